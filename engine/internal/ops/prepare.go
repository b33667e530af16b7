package ops

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/internal/expr"
	"github.com/spate-io/spate/engine/plan"
)

// Prepared is one analysed node: its output schema and its operator.
type Prepared struct {
	Schema *arrow.Schema
	op     operator
}

// whereOf names a node kind as the DSL method users call, for errors.
var whereOf = map[string]string{
	plan.NodeProject: "Select", plan.NodeFilter: "Filter", plan.NodeExplode: "Explode",
	plan.NodeUnion: "Union", plan.NodeWatermark: "WithWatermark", plan.NodeSource: "Read",
}

// Prepare analyses n given the schemas of its inputs (for a source node,
// the source's schema). where names the DSL method for errors; "" uses the
// node kind's.
func Prepare(n *plan.Node, inputs []*arrow.Schema, where string) (*Prepared, error) {
	if where == "" {
		where = whereOf[n.Kind]
	}
	if want := arity(n); len(inputs) != want {
		return nil, expr.Analysisf("%s node needs %d inputs, got %d", n.Kind, want, len(inputs))
	}
	switch n.Kind {
	case plan.NodeSource:
		return &Prepared{Schema: inputs[0], op: passOp{}}, nil
	case plan.NodeProject:
		return prepareProject(n, inputs[0], where)
	case plan.NodeFilter:
		return prepareFilter(n, inputs[0], where)
	case plan.NodeExplode:
		return prepareExplode(n, inputs[0], where)
	case plan.NodeUnion:
		return prepareUnion(inputs, where)
	case plan.NodeWatermark:
		return prepareWatermark(n, inputs[0], where)
	}
	return nil, expr.Analysisf("unknown node kind %q", n.Kind)
}

func arity(n *plan.Node) int {
	switch n.Kind {
	case plan.NodeSource:
		return 1
	case plan.NodeUnion:
		return len(n.Inputs)
	}
	return 1
}

// passOp hands batches on unchanged.
type passOp struct{}

func (passOp) apply(_ *run, _ int, in batch, next push) error { return next(in) }

func fieldOf(e expr.Expr) arrow.Field {
	return arrow.Field{Name: e.Name(), Type: e.Type(), Nullable: expr.Nullable(e)}
}

func prepareProject(n *plan.Node, in *arrow.Schema, where string) (*Prepared, error) {
	r := &expr.Resolver{Schema: in, Where: where}
	var exprs []expr.Expr
	for _, e := range n.Exprs {
		outs, err := r.ResolveOutputs(e)
		if err != nil {
			return nil, err
		}
		exprs = append(exprs, outs...)
	}
	fields := make([]arrow.Field, len(exprs))
	for i, e := range exprs {
		fields[i] = fieldOf(e)
	}
	schema := arrow.NewSchema(fields, nil)
	return &Prepared{Schema: schema, op: &projectOp{exprs: exprs, schema: schema}}, nil
}

func prepareFilter(n *plan.Node, in *arrow.Schema, where string) (*Prepared, error) {
	r := &expr.Resolver{Schema: in, Where: where}
	cond, err := r.Resolve(n.Cond)
	if err != nil {
		return nil, err
	}
	switch cond.Type().ID() {
	case arrow.BOOL, arrow.NULL:
	default:
		return nil, expr.Analysisf("the condition of %s must be boolean, got %s", where, expr.Describe(cond))
	}
	if cond.Type().ID() == arrow.NULL {
		if cond, err = expr.CastTo(cond, arrow.FixedWidthTypes.Boolean); err != nil {
			return nil, err
		}
	}
	return &Prepared{Schema: in, op: &filterOp{cond: cond}}, nil
}

func prepareExplode(n *plan.Node, in *arrow.Schema, where string) (*Prepared, error) {
	r := &expr.Resolver{Schema: in, Where: where}
	list, err := r.Resolve(n.Exprs[0])
	if err != nil {
		return nil, err
	}
	lt, ok := list.Type().(*arrow.ListType)
	if !ok {
		return nil, expr.Analysisf("%s needs a list column, got %s", where, expr.Describe(list))
	}
	fields := append([]arrow.Field(nil), in.Fields()...)
	elem := arrow.Field{Name: n.Name, Type: lt.Elem(), Nullable: true}
	at := -1
	for i, f := range fields {
		if f.Name == n.Name {
			at = i
		}
	}
	if at >= 0 {
		fields[at] = elem
	} else {
		at = len(fields)
		fields = append(fields, elem)
	}
	schema := arrow.NewSchema(fields, nil)
	return &Prepared{Schema: schema, op: &explodeOp{list: list, at: at, outer: n.Outer, schema: schema}}, nil
}

func prepareUnion(inputs []*arrow.Schema, where string) (*Prepared, error) {
	first := inputs[0]
	fields := append([]arrow.Field(nil), first.Fields()...)
	for k, s := range inputs[1:] {
		if s.NumFields() != first.NumFields() {
			return nil, expr.Analysisf("%s needs inputs with the same number of columns: the first has %d (%s), input %d has %d (%s)",
				where, first.NumFields(), names(first), k+2, s.NumFields(), names(s))
		}
		for i, f := range s.Fields() {
			dt, ok := expr.CommonType(fields[i].Type, f.Type)
			if !ok {
				return nil, expr.Analysisf("%s: column %d (%s) is %s in the first input but %s in input %d; cast one with Cast",
					where, i+1, fields[i].Name, expr.TypeName(fields[i].Type), expr.TypeName(f.Type), k+2)
			}
			fields[i].Type = dt
			fields[i].Nullable = fields[i].Nullable || f.Nullable
		}
	}
	schema := arrow.NewSchema(fields, nil)
	conform := make([][]expr.Expr, len(inputs))
	for k, s := range inputs {
		for i := range fields {
			e, err := expr.CastTo(expr.ColumnAt(s, i), fields[i].Type)
			if err != nil {
				return nil, expr.Analysisf("%s: column %s of input %d: %v", where, fields[i].Name, k+1, err)
			}
			conform[k] = append(conform[k], expr.Rename(e, fields[i].Name))
		}
	}
	return &Prepared{Schema: schema, op: &unionOp{conform: conform, schema: schema}}, nil
}

func names(s *arrow.Schema) string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name
	}
	return strings.Join(out, ", ")
}

func prepareWatermark(n *plan.Node, in *arrow.Schema, where string) (*Prepared, error) {
	r := &expr.Resolver{Schema: in, Where: where}
	c, err := r.Resolve(plan.Col(n.Name))
	if err != nil {
		return nil, err
	}
	if c.Type().ID() != arrow.TIMESTAMP {
		return nil, expr.Analysisf("%s needs a timestamp event-time column, got %s; convert it with ToTimestamp", where, expr.Describe(c))
	}
	return &Prepared{Schema: in, op: &watermarkOp{col: c}}, nil
}
