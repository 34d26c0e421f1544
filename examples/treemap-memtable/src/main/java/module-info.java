/** An example Shale plugin: a memtable on a {@link java.util.TreeMap}. */
module com.example.treemap {
  requires dev.shale.lsm.api;

  provides dev.shale.lsm.spi.memtable.MemtableProvider with
      com.example.treemap.TreeMapMemtableProvider;
}
