package reliabilityreport

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestScenariosAreTheTestsInRunOrderWithTheirFirstSentence(t *testing.T) {
	suite := fstest.MapFS{
		"b_test.go": {Data: []byte(`//go:build reliability

package reliability

import "testing"

// The API server restarts: the manager reconnects. It is the same process.
func TestRestart(t *testing.T) {}

// helper is not a test.
func helper(t *testing.T) {}

// Testify is not a test either: a lower-case letter follows Test.
func Testify(t *testing.T) {}

func TestMain(m *testing.M) {}
`)},
		"a_test.go": {Data: []byte(`package reliability

import "testing"

// The manager is killed while the provinces converge
// and a rollout moves them: nothing is lost.
func TestKilled(t *testing.T) {}

// A benchmark is not a scenario.
func BenchmarkX(b *testing.B) {}
`)},
		"helpers.go": {Data: []byte("package reliability\n\n// Not a test file.\nfunc TestNothing(t *testing.T) {}\n")},
	}
	got, err := Scenarios(suite)
	if err != nil {
		t.Fatal(err)
	}
	want := []Scenario{
		{Name: "TestKilled", Description: "The manager is killed while the provinces converge and a rollout moves them: nothing is lost."},
		{Name: "TestRestart", Description: "The API server restarts: the manager reconnects."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scenarios:\n%+v\nwant\n%+v", got, want)
	}
}

func TestAScenarioWithoutADocCommentIsAnError(t *testing.T) {
	_, err := Scenarios(fstest.MapFS{"a_test.go": {Data: []byte("package r\n\nimport \"testing\"\n\nfunc TestUndocumented(t *testing.T) {}\n")}})
	if err == nil || !strings.Contains(err.Error(), "TestUndocumented") {
		t.Errorf("err %v, want one naming TestUndocumented", err)
	}
}
