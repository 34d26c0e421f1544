/**
 * What the server and the client agree on beyond the {@code .proto}: how engine exceptions travel
 * as status codes and back, and the bearer-token header. Not exported.
 */
package dev.shale.lsm.server.protocol;
