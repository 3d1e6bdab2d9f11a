/**
 * Triton's model configuration messages ({@code model_config.proto}, protobuf package {@code inference}),
 * generated during the build. Engines parse {@code config.pbtxt} into {@link org.tritonosgi.api.config.ModelConfig};
 * frontends serve it as JSON or protobuf.
 */
@Export
@Version("1.1.0")
package org.tritonosgi.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
