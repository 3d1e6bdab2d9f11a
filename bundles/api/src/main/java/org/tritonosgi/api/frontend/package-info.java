/**
 * Policy shared by the frontends: Triton's restricted endpoint groups and the header each one requires, parsed
 * once from Triton's {@code <group>[,<group>...]:<header>=<value>} entries, so HTTP and gRPC enforce the same rules;
 * (1.1.0) error messages of extra frontends made from factory configurations; and (1.2.0) the one check of model
 * names taken from requests; (1.3.0) the protocol extensions server metadata lists.
 */
@Export
@Version("1.3.0")
package org.tritonosgi.api.frontend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
