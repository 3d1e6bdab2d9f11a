/**
 * Request tracing shared by frontends and engines: the {@link org.tritonosgi.api.trace.Tracing} service
 * (settings and sampling), the trace of one request, and the points engines report.
 */
@Export
@Version("1.0.0")
package org.tritonosgi.api.trace;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
