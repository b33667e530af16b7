package expr

import (
	"strings"
	"testing"

	"github.com/spate-io/spate/engine/plan"
)

// Every op a plan may hold resolves: the plan package and the catalog
// agree.
func TestCatalogCoversPlanOps(t *testing.T) {
	have := map[string]bool{plan.OpCol: true, plan.OpLit: true}
	for _, op := range Ops() {
		have[op] = true
	}
	var missing []string
	for _, op := range plan.KnownOps() {
		if !have[op] {
			missing = append(missing, op)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("ops without an implementation: %s", strings.Join(missing, ", "))
	}
	known := map[string]bool{}
	for _, op := range plan.KnownOps() {
		known[op] = true
	}
	for _, op := range Ops() {
		if !known[op] {
			t.Errorf("op %q is implemented but plans cannot hold it", op)
		}
	}
}
