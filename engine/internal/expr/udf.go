package expr

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/plan"
)

// UDF is a registered user function, vectorised: Call gets the arguments
// already cast to Args and returns a column of Result.
type UDF struct {
	Name   string
	Args   []arrow.DataType
	Result arrow.DataType
	// Call computes n rows; it must not release in, and allocates from
	// c.Mem.
	Call func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error)
}

var udfs = struct {
	sync.RWMutex
	m map[string]*UDF
}{m: map[string]*UDF{}}

// RegisterUDF makes u callable by name from plans.
func RegisterUDF(u *UDF) error {
	if u.Name == "" || u.Call == nil || u.Result == nil {
		return fmt.Errorf("engine: a UDF needs a name, a result type and a function")
	}
	udfs.Lock()
	defer udfs.Unlock()
	if _, dup := udfs.m[u.Name]; dup {
		return fmt.Errorf("engine: UDF %q registered twice", u.Name)
	}
	udfs.m[u.Name] = u
	return nil
}

// LookupUDF finds a registered UDF.
func LookupUDF(name string) (*UDF, bool) {
	udfs.RLock()
	defer udfs.RUnlock()
	u, ok := udfs.m[name]
	return u, ok
}

// UDFNames lists the registered UDFs, sorted.
func UDFNames() []string {
	udfs.RLock()
	defer udfs.RUnlock()
	names := make([]string, 0, len(udfs.m))
	for n := range udfs.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func init() {
	register(resolveUDF, plan.OpUDF)
}

func resolveUDF(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	u, ok := LookupUDF(e.Name)
	if !ok {
		known := UDFNames()
		hint := "none are registered"
		if len(known) > 0 {
			hint = "registered: " + strings.Join(known, ", ")
			if s := suggest(e.Name, known); s != "" {
				hint = `did you mean "` + s + `"? ` + hint
			}
		}
		return nil, analysisf("unknown UDF %q in %s (%s); register it with engine.RegisterUDF in every binary that runs the plan", e.Name, r.Where, hint)
	}
	if len(args) != len(u.Args) {
		return nil, analysisf("UDF %s takes %d arguments, got %d in %s", u.Name, len(u.Args), len(args), r.Where)
	}
	in := make([]Expr, len(args))
	for i, a := range args {
		want := u.Args[i]
		if !arrow.TypeEqual(a.Type(), want) && !implicitlyCasts(a.Type(), want) {
			return nil, analysisf("UDF %s argument %d must be %s, got %s in %s", u.Name, i+1, typeName(want), describe(a), r.Where)
		}
		in[i] = coerce(a, want)
	}
	return &fnExpr{name: u.Name, args: in, dt: u.Result, k: func(c *Ctx, n int, arrs []arrow.Array) (arrow.Array, error) {
		out, err := u.Call(c, n, arrs)
		if err != nil {
			return nil, fmt.Errorf("engine: UDF %s: %w", u.Name, err)
		}
		if out.Len() != n || !arrow.TypeEqual(out.DataType(), u.Result) {
			out.Release()
			return nil, errorf("UDF %s returned %d rows of %s, want %d of %s", u.Name, out.Len(), out.DataType(), n, u.Result)
		}
		return out, nil
	}}, nil
}

// implicitlyCasts says whether an argument of type from may be passed
// where to is declared: nulls, numeric widening, string <-> binary and
// timestamp units.
func implicitlyCasts(from, to arrow.DataType) bool {
	switch {
	case isNull(from):
		return true
	case isNumeric(from) && isNumeric(to):
		return arrow.TypeEqual(widerNumeric(from, to), to)
	case isStringOrBinary(from) && isStringOrBinary(to):
		return true
	case isTimestamp(from) && isTimestamp(to), isDate(from) && isTimestamp(to):
		return true
	}
	return false
}
