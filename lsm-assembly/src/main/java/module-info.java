import org.jspecify.annotations.NullMarked;

/**
 * The default Shale engine, wired with Dagger: {@link dev.shale.lsm.assembly.Shale} opens a Db from
 * the installed parts (chosen by provider name) or from instances the caller passes.
 */
@NullMarked
module dev.shale.lsm.assembly {
  requires transitive dev.shale.lsm.api;
  requires transitive dev.shale.lsm.engine; // ShaleTools returns DbInspector records
  requires dagger;
  requires jakarta.inject;
  requires static java.compiler; // Dagger's generated code carries @Generated
  requires org.slf4j;

  exports dev.shale.lsm.assembly;
}
