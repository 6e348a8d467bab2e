// Package desctest holds the check every package with a description makes
// in its tests: its Go description equals its JSON file's, with the running
// target's values picked out.
package desctest

import (
	"os"
	"runtime"
	"testing"

	"github.com/eventq/eventq/desc"
	"github.com/google/go-cmp/cmp"
)

// MatchesJSON fails t unless got, a package's Description(), equals the
// JSON file (zdesc_generated_*.json) read for this target.
func MatchesJSON(t *testing.T, got desc.Package, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := desc.FromJSON(b, runtime.GOOS+"/"+runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, fromJSON); diff != "" {
		t.Errorf("Description() and %s differ (-Go +JSON):\n%s", file, diff)
	}
}
