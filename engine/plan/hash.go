package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
)

// Hash is a stable identity of the plan: the hex SHA-256 of its Marshal
// bytes. The checkpoint records it, so a restart can tell whether the query
// it resumes is the one that wrote the checkpoint.
func Hash(q *Query) (string, error) {
	b, err := Marshal(q)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// UDFs lists the names of the UDFs the plan calls, sorted and without
// duplicates, so a driver can refuse a plan naming a UDF its executors lack
// before any batch runs.
func UDFs(q *Query) []string {
	seen := map[string]bool{}
	_ = WalkExprs(q, func(e *Expr) error {
		if e.Op == OpUDF {
			seen[e.Name] = true
		}
		return nil
	})
	return slices.Sorted(maps.Keys(seen))
}

// WalkExprs calls fn for every expression of every node of q, parents
// first, and stops at the first error.
func WalkExprs(q *Query, fn func(*Expr) error) error {
	return WalkNodes(q.Root, func(n *Node) error {
		for _, e := range n.NodeExprs() {
			if err := e.Walk(fn); err != nil {
				return err
			}
		}
		return nil
	})
}

// WalkNodes calls fn for n and every node below it, parents first, and
// stops at the first error.
func WalkNodes(n *Node, fn func(*Node) error) error {
	if n == nil {
		return nil
	}
	if err := fn(n); err != nil {
		return err
	}
	for _, c := range n.Children() {
		if err := WalkNodes(c, fn); err != nil {
			return err
		}
	}
	return nil
}
