package expr

import (
	"maps"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/plan"
)

// Resolver resolves plan expressions against the schema of an operator's
// input.
type Resolver struct {
	// Schema is the input's schema.
	Schema *arrow.Schema
	// Where names the operation for errors: "Select", "Filter".
	Where string
}

// resolveFn resolves one op given its already resolved arguments.
type resolveFn func(r *Resolver, e *plan.Expr, args []Expr) (Expr, error)

// catalog maps each plan op to its resolver. Every op plan knows is here
// (a test checks), so a plan that decodes can be resolved.
var catalog = map[string]resolveFn{}

func register(fn resolveFn, ops ...string) {
	for _, op := range ops {
		catalog[op] = fn
	}
}

// Ops lists the ops the catalog implements, sorted.
func Ops() []string {
	return slices.Sorted(maps.Keys(catalog))
}

// Resolve resolves e to one expression. A star ("a.*") is refused here:
// only a projection expands it (ResolveOutputs).
func (r *Resolver) Resolve(e *plan.Expr) (Expr, error) {
	if e == nil {
		return nil, analysisf("missing expression in %s", r.Where)
	}
	switch e.Op {
	case plan.OpCol:
		p, err := ParseColumnPath(e.Name)
		if err != nil {
			return nil, err
		}
		if p.Star {
			return nil, analysisf("%q in %s: a star only expands in Select", e.Name, r.Where)
		}
		return r.resolveColumn(e.Name, p)
	case plan.OpLit:
		return newLiteral(e)
	}
	fn, ok := catalog[e.Op]
	if !ok {
		return nil, analysisf("unknown function %q in %s", e.Op, r.Where)
	}
	args := make([]Expr, len(e.Args))
	for i, a := range e.Args {
		var err error
		if args[i], err = r.Resolve(a); err != nil {
			return nil, err
		}
	}
	return fn(r, e, args)
}

// ResolveOutputs resolves one projection entry: a star expands to a column
// per field, anything else is one expression.
func (r *Resolver) ResolveOutputs(e *plan.Expr) ([]Expr, error) {
	if e != nil && e.Op == plan.OpCol {
		p, err := ParseColumnPath(e.Name)
		if err != nil {
			return nil, err
		}
		if p.Star {
			return r.expandStar(e.Name, p)
		}
	}
	x, err := r.Resolve(e)
	if err != nil {
		return nil, err
	}
	return []Expr{x}, nil
}

// Alias renames an expression's output.
type Alias struct {
	in   Expr
	name string
}

func init() {
	register(func(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
		return &Alias{in: args[0], name: e.Name}, nil
	}, plan.OpAlias)
}

// Type implements Expr.
func (a *Alias) Type() arrow.DataType { return a.in.Type() }

// Name is the alias.
func (a *Alias) Name() string { return a.name }

// Unwrap is the aliased expression.
func (a *Alias) Unwrap() Expr { return a.in }

// Eval implements Expr.
func (a *Alias) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	return a.in.Eval(c, rec)
}
