/**
 * Triton's system shared-memory extension, shared by the frontends of one server: the registry of regions
 * ({@link org.tritonosgi.api.shm.SystemSharedMemory}, owned by the engine, see
 * {@link org.tritonosgi.api.InferenceServer#systemSharedMemory()}) and the place of one tensor in a region.
 */
@Export
@Version("1.1.0")
package org.tritonosgi.api.shm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
