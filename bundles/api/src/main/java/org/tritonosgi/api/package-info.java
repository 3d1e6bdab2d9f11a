/**
 * The in-process inference server API: the contract between engines (which register
 * {@link org.tritonosgi.api.InferenceServer}) and frontends (which serve it over HTTP, gRPC and metrics).
 * It mirrors Triton's in-process server API.
 */
@Export
@Version("1.2.0")
package org.tritonosgi.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
