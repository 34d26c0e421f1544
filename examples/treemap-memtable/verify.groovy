// Run by the maven-invoker-plugin after this project's build: the plugin passed the kit under both
// engines, each XML report counts its test cases right, and jqwik kept its database under target/.
def reports = new File(basedir, 'target/surefire-reports')
def suite = 'TEST-com.example.treemap.TreeMapMemtableConformanceTest'

def counted(File report) {
  assert report.isFile() : "missing report ${report}"
  def text = report.text
  def declared = (text =~ /<testsuite [^>]*\btests="(\d+)"/)[0][1] as int
  def cases = (text =~ /<testcase /).count
  assert declared == cases : "${report.name} says tests=\"${declared}\" but holds ${cases} cases"
  assert !(text =~ /<testsuite [^>]*\bfailures="[1-9]/) : "${report.name} has failures"
  return cases
}

def jupiter = counted(new File(reports, suite + '.xml'))
def jqwik = counted(new File(reports, suite + '-jqwik.xml'))
assert jupiter > 20 : "Jupiter ran only ${jupiter} of the suite's tests"
assert jqwik >= 2 : "jqwik ran ${jqwik} properties: the model property did not run"
assert !new File(basedir, '.jqwik-database').exists() : 'jqwik wrote its database into the project root'
return true
