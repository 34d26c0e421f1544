/** The Java client of a Shale server: {@link ShaleClient}. */
package dev.shale.lsm.client;
