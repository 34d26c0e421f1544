/**
 * Shale's public API: open a {@link dev.shale.lsm.api.Db}, write with {@link
 * dev.shale.lsm.api.WriteBatch} and {@link dev.shale.lsm.api.WriteOptions}, read with {@link
 * dev.shale.lsm.api.ReadOptions}.
 *
 * <p>Keys and values are byte arrays compared as unsigned bytes. Every method that takes an array
 * copies what it needs before it returns, so the caller may reuse its arrays; every method that
 * returns an array returns one the caller owns.
 */
@NullMarked
package dev.shale.lsm.api;

import org.jspecify.annotations.NullMarked;
