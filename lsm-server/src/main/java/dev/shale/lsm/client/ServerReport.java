package dev.shale.lsm.client;

import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.server.v1.ServerStats;

/**
 * What {@link ShaleClient#stats()} returns.
 *
 * @param db the server's Db stats, as {@link dev.shale.lsm.api.Db#stats()} reports them there
 * @param server the server's own figures and state
 */
public record ServerReport(DbStats db, ServerStats server) {}
