import org.jspecify.annotations.NullMarked;

/**
 * A gRPC server over a Shale Db (service {@code shale.v1.Shale}) and its Java client. Exports the
 * server ({@code dev.shale.lsm.server}), the client ({@code dev.shale.lsm.client}) and the
 * generated wire types and stubs ({@code dev.shale.lsm.server.v1}), for clients written against the
 * protocol directly.
 */
@NullMarked
module dev.shale.lsm.server {
  requires transitive dev.shale.lsm.api;
  requires dev.shale.lsm.assembly;
  requires io.grpc;
  requires io.grpc.stub;
  requires io.grpc.protobuf;
  requires io.grpc.services;
  requires io.grpc.netty.shaded;
  requires com.google.protobuf;
  requires com.google.common;
  requires org.slf4j;
  requires jul.to.slf4j;
  requires java.logging;
  requires java.management;
  requires static com.google.errorprone.annotations;

  exports dev.shale.lsm.server;
  exports dev.shale.lsm.client;
  exports dev.shale.lsm.server.v1;
}
