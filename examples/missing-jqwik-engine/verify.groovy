// The build failed for the right reason: the suite's engine check named the missing engine.
def log = new File(basedir, 'build.log').text
assert log.contains('net.jqwik.engine.JqwikTestEngine is not on the test class path') : 'the failure does not name the missing engine'
assert log.contains('jqwikEngineRunsTheProperties') : 'the failing test is not the engine check'
return true
