package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Marshal encodes q as indented JSON, stamping the current Version. The
// output is deterministic: the same plan gives the same bytes.
func Marshal(q *Query) ([]byte, error) {
	if q == nil {
		return nil, fmt.Errorf("plan: nil query")
	}
	c := *q
	c.Version = Version
	c.Sources = append([]Source(nil), q.Sources...)
	for i := range c.Sources {
		c.Sources[i].Options = compact(c.Sources[i].Options)
	}
	if q.Sink != nil {
		snk := *q.Sink
		snk.Options = compact(snk.Options)
		c.Sink = &snk
	}
	if err := validate(&c, false); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	return append(b, '\n'), nil
}

// Unmarshal decodes and checks a plan. It names an unknown version, node
// kind, expression op or field, and where in the tree it sits.
func Unmarshal(b []byte) (*Query, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("plan: not a plan: %v", err)
	}
	switch {
	case head.Version == nil:
		return nil, fmt.Errorf("plan: no \"version\" field; is this a spate plan?")
	case *head.Version != Version:
		return nil, fmt.Errorf("plan: unsupported plan version %d (this build reads version %d); use a spate build of the same version as the one that wrote it", *head.Version, Version)
	}
	var q Query
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return nil, fmt.Errorf("plan: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("plan: trailing data after the plan")
	}
	if err := validate(&q, true); err != nil {
		return nil, err
	}
	return &q, nil
}

// maxDepth bounds plan and expression nesting so a hostile plan cannot
// exhaust the stack of the code that walks it.
const maxDepth = 500

// validate checks the plan's shape. With canon it also rewrites literal
// values and connector options to their canonical bytes, so that a decoded
// plan marshals to the bytes its writer produced.
func validate(q *Query, canon bool) error {
	if q.Root == nil {
		return fmt.Errorf("plan: no root node")
	}
	for i := range q.Sources {
		s := &q.Sources[i]
		if s.Kind == "" {
			return fmt.Errorf("plan: source %d has no kind", i)
		}
		if s.Schema == nil || s.Schema.Schema == nil {
			return fmt.Errorf("plan: source %d (%s) has no schema", i, s.Kind)
		}
		if canon {
			s.Options = compact(s.Options)
		}
	}
	if q.Sink != nil {
		if q.Sink.Kind == "" {
			return fmt.Errorf("plan: sink has no kind")
		}
		if canon {
			q.Sink.Options = compact(q.Sink.Options)
		}
	}
	if err := validateQueryOptions(q); err != nil {
		return err
	}
	v := validator{q: q, canon: canon}
	return v.node(q.Root, "root", 0)
}

type validator struct {
	q     *Query
	canon bool
}

func validateQueryOptions(q *Query) error {
	switch q.OutputMode {
	case "", OutputAppend, OutputUpdate, OutputComplete:
	default:
		return fmt.Errorf("plan: unknown output mode %q (want append, update or complete)", q.OutputMode)
	}
	if t := q.Trigger; t != nil {
		switch t.Kind {
		case TriggerProcessingTime:
			if t.Interval < 0 {
				return fmt.Errorf("plan: negative trigger interval %s", t.Interval.String())
			}
		case TriggerAvailableNow, TriggerOnce:
			if t.Interval != 0 {
				return fmt.Errorf("plan: trigger %s takes no interval", t.Kind)
			}
		default:
			return fmt.Errorf("plan: unknown trigger kind %q (want processingTime, availableNow or once)", t.Kind)
		}
	}
	return nil
}

// String is the Go duration string ("30s").
func (d Duration) String() string { return time.Duration(d).String() }

func (v validator) node(n *Node, at string, depth int) error {
	if n == nil {
		return fmt.Errorf("plan: missing node at %s", at)
	}
	if depth > maxDepth {
		return fmt.Errorf("plan: plan nested deeper than %d nodes at %s", maxDepth, at)
	}
	if err := validateNodeShape(v.q, n, at); err != nil {
		return err
	}
	for i, e := range n.NodeExprs() {
		if err := v.expr(e, fmt.Sprintf("%s (%s expr %d)", at, n.Kind, i), 0); err != nil {
			return err
		}
	}
	if n.Kind == NodeUnion {
		for i, in := range n.Inputs {
			if err := v.node(in, fmt.Sprintf("%s.inputs[%d]", at, i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind == NodeSource {
		return nil
	}
	return v.node(n.Input, at+".input", depth+1)
}

func validateNodeShape(q *Query, n *Node, at string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("plan: %s node at %s: %s", n.Kind, at, fmt.Sprintf(format, args...))
	}
	switch n.Kind {
	case NodeSource:
		if n.Source < 0 || n.Source >= len(q.Sources) {
			return bad("source index %d out of range (the plan has %d sources)", n.Source, len(q.Sources))
		}
	case NodeProject:
		if len(n.Exprs) == 0 {
			return bad("no expressions")
		}
	case NodeFilter:
		if n.Cond == nil {
			return bad("no condition")
		}
	case NodeExplode:
		if len(n.Exprs) != 1 || n.Name == "" {
			return bad("want one list expression and an output name")
		}
	case NodeUnion:
		if len(n.Inputs) < 2 {
			return bad("want two or more inputs, got %d", len(n.Inputs))
		}
	case NodeWatermark:
		if n.Name == "" || n.Delay < 0 {
			return bad("want an event-time column and a delay >= 0")
		}
	default:
		return fmt.Errorf("plan: unknown node kind %q at %s (known: explode, filter, project, source, union, watermark)", n.Kind, at)
	}
	if n.Kind != NodeUnion && len(n.Inputs) > 0 {
		return bad("only union nodes have \"inputs\"; use \"input\"")
	}
	if n.Kind == NodeSource && n.Input != nil {
		return bad("a source node has no input")
	}
	return nil
}

func (v validator) expr(e *Expr, at string, depth int) error {
	if e == nil {
		return fmt.Errorf("plan: missing expression at %s", at)
	}
	if depth > maxDepth {
		return fmt.Errorf("plan: expression nested deeper than %d at %s", maxDepth, at)
	}
	ar, ok := ops[e.Op]
	if !ok {
		return fmt.Errorf("plan: unknown expression op %q at %s; this build knows: %s", e.Op, at, joinOps())
	}
	if len(e.Args) < ar.min || (ar.max >= 0 && len(e.Args) > ar.max) {
		return fmt.Errorf("plan: %s at %s takes %s, got %d", e.Op, at, ar, len(e.Args))
	}
	if err := v.exprFields(e, at); err != nil {
		return err
	}
	for _, a := range e.Args {
		if err := v.expr(a, at, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (v validator) exprFields(e *Expr, at string) error {
	switch e.Op {
	case OpCol, OpAlias, OpUDF:
		if e.Name == "" {
			return fmt.Errorf("plan: %s at %s has no name", e.Op, at)
		}
	case OpLit:
		if e.Type == nil || e.Type.DataType == nil {
			return fmt.Errorf("plan: literal at %s has no type", at)
		}
		val, err := LiteralValue(e)
		if err != nil {
			return fmt.Errorf("%v (at %s)", err, at)
		}
		if !v.canon {
			return nil
		}
		if val == nil {
			e.Value = nil
		} else if e.Value, err = encodeLiteral(e.Type.DataType, val); err != nil {
			return fmt.Errorf("%v (at %s)", err, at)
		}
	case OpCast, OpFromJSON:
		if e.Type == nil || e.Type.DataType == nil {
			return fmt.Errorf("plan: %s at %s has no type", e.Op, at)
		}
	}
	return nil
}

func (a arity) String() string {
	switch {
	case a.max < 0:
		return fmt.Sprintf("%d or more arguments", a.min)
	case a.min == a.max:
		return fmt.Sprintf("%d arguments", a.min)
	}
	return fmt.Sprintf("%d to %d arguments", a.min, a.max)
}

func joinOps() string {
	var b bytes.Buffer
	for i, op := range KnownOps() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(op)
	}
	return b.String()
}

// compact normalises connector options JSON so that equal options give
// equal bytes (and equal plan hashes); absent options become {}.
func compact(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return json.RawMessage(`{}`)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// Validate checks a plan built in memory as Unmarshal checks a decoded
// one: known kinds and ops, arities, literal values, source indexes.
func Validate(q *Query) error {
	if q == nil {
		return fmt.Errorf("plan: nil query")
	}
	return validate(q, false)
}
