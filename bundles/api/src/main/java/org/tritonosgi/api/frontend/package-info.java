/**
 * Policy shared by the frontends: Triton's restricted endpoint groups and the header each one requires, parsed
 * once from Triton's {@code <group>[,<group>...]:<header>=<value>} entries, so HTTP and gRPC enforce the same rules;
 * and (1.1.0) error messages of extra frontends made from factory configurations.
 */
@Export
@Version("1.1.0")
package org.tritonosgi.api.frontend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
