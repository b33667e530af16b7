package plan

// Node kinds. Every transformation of the DSL lowers to one of these:
// WithColumn, WithColumnRenamed and Drop are projections.
const (
	// NodeSource reads Sources[Source].
	NodeSource = "source"
	// NodeProject computes Exprs, one output column each (a star expands to
	// many).
	NodeProject = "project"
	// NodeFilter keeps the rows where Cond is true.
	NodeFilter = "filter"
	// NodeExplode adds column Name holding each element of the list Exprs[0],
	// one row per element; Outer keeps rows whose list is null or empty
	// (with a null element), as Spark's explode_outer.
	NodeExplode = "explode"
	// NodeUnion concatenates Inputs by column position.
	NodeUnion = "union"
	// NodeWatermark declares the event-time column Name and the Delay by which
	// the watermark trails the latest event time seen; rows pass unchanged.
	NodeWatermark = "watermark"
)

// Node is one logical operator. Which fields are set depends on Kind.
type Node struct {
	Kind string `json:"kind"`
	// Source is the index into Query.Sources of a source node.
	Source int `json:"source,omitempty"`
	// Exprs are a projection's outputs, or an explode's list.
	Exprs []*Expr `json:"exprs,omitempty"`
	// Cond is a filter's predicate.
	Cond *Expr `json:"cond,omitempty"`
	// Name is an explode's output column or a watermark's event-time column.
	Name string `json:"name,omitempty"`
	// Outer marks explode_outer.
	Outer bool `json:"outer,omitempty"`
	// Delay is a watermark's delay.
	Delay Duration `json:"delay,omitempty"`
	// Input is the input of every kind but source and union.
	Input *Node `json:"input,omitempty"`
	// Inputs are a union's inputs, two or more.
	Inputs []*Node `json:"inputs,omitempty"`
}

// Children returns the node's inputs in order.
func (n *Node) Children() []*Node {
	if n.Kind == NodeUnion {
		return n.Inputs
	}
	if n.Input == nil {
		return nil
	}
	return []*Node{n.Input}
}

// NodeExprs returns the expressions the node holds, in order.
func (n *Node) NodeExprs() []*Expr {
	out := append([]*Expr(nil), n.Exprs...)
	if n.Cond != nil {
		out = append(out, n.Cond)
	}
	return out
}
