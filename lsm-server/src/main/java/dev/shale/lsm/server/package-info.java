/** A gRPC server ({@code shale.v1.Shale}) over a Shale Db: {@link ShaleServer}. */
package dev.shale.lsm.server;
