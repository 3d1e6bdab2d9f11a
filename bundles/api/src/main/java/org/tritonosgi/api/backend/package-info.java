/**
 * Backends from other bundles: a bundle registers a {@link org.tritonosgi.api.backend.ModelBackend} service with
 * the service property {@value org.tritonosgi.api.backend.ModelBackend#BACKEND_PROPERTY} set to the backend's
 * name, and the embedded engine serves every model whose configuration says {@code backend: "<name>"} with it.
 * Pre- and post-processing written in Java, deployed as a bundle: the Karaf answer to Triton's Python and custom
 * C backends. The engine calls these interfaces; backends implement them.
 */
@Export
@Version("1.0.0")
package org.tritonosgi.api.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
