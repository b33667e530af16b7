package expr

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/internal/kernels"
	"github.com/spate-io/spate/engine/plan"
)

// Spark's hash() (Murmur3, int) and xxhash64() (XXH64, long) over any
// number of columns: each column's hash seeds the next, nulls are skipped,
// structs hash their fields and arrays their elements in order, maps each
// key then value. Timestamps hash as Spark's microseconds whatever their
// unit, so values match Spark's. compute's hash kernels are different
// functions (and not exposed per row), hence these.

func init() {
	register(resolveHash, "hash", "xxhash64")
	register(resolveDigest, "sha256", "md5")
}

type seed interface{ int32 | int64 }

// hashFamily holds one hash function's per-type primitives.
type hashFamily[S seed] struct {
	init   S
	int    func(int32, S) S
	long   func(int64, S) S
	float  func(float32, S) S
	double func(float64, S) S
	bytes  func([]byte, S) S
}

var murmur = hashFamily[int32]{
	init: kernels.SparkHashSeed, int: kernels.Murmur3Int, long: kernels.Murmur3Long,
	float: kernels.Murmur3Float, double: kernels.Murmur3Double, bytes: kernels.Murmur3Bytes,
}

var xxh = hashFamily[int64]{
	init: kernels.SparkXXHashSeed, int: kernels.XXHashInt, long: kernels.XXHashLong,
	float: kernels.XXHashFloat, double: kernels.XXHashDouble, bytes: kernels.XXHashBytes,
}

// hasher hashes row i of one array into a running seed.
type hasher[S seed] func(i int, s S) S

func hashable(dt arrow.DataType) bool {
	switch t := dt.(type) {
	case *arrow.StructType:
		for _, f := range t.Fields() {
			if !hashable(f.Type) {
				return false
			}
		}
		return true
	case *arrow.ListType:
		return hashable(t.Elem())
	case *arrow.MapType:
		return hashable(t.KeyType()) && hashable(t.ItemType())
	}
	return isNumeric(dt) || isBool(dt) || isStringOrBinary(dt) || isTimestamp(dt) || isDate(dt) || isNull(dt)
}

func newHasher[S seed](f *hashFamily[S], a arrow.Array) hasher[S] {
	skipNull := func(h hasher[S]) hasher[S] {
		return func(i int, s S) S {
			if a.IsNull(i) {
				return s
			}
			return h(i, s)
		}
	}
	switch x := a.(type) {
	case *array.Null:
		return func(_ int, s S) S { return s }
	case *array.Float32:
		return skipNull(func(i int, s S) S { return f.float(x.Value(i), s) })
	case *array.Float64:
		return skipNull(func(i int, s S) S { return f.double(x.Value(i), s) })
	case *array.Struct:
		fields := make([]hasher[S], x.NumField())
		for k := range fields {
			fields[k] = newHasher(f, x.Field(k))
		}
		return skipNull(func(i int, s S) S {
			for _, h := range fields {
				s = h(i, s)
			}
			return s
		})
	case array.ListLike:
		elems := newHasher(f, x.ListValues())
		return skipNull(func(i int, s S) S {
			start, end := x.ValueOffsets(i)
			for j := start; j < end; j++ {
				s = elems(int(j), s)
			}
			return s
		})
	}
	switch dt := a.DataType(); {
	case isStringOrBinary(dt):
		return skipNull(func(i int, s S) S { return f.bytes(bytesAt(a, i), s) })
	case isTimestamp(dt):
		us := microsReader(a)
		return skipNull(func(i int, s S) S { return f.long(us(i), s) })
	case dt.ID() == arrow.INT64 || dt.ID() == arrow.UINT64 || dt.ID() == arrow.UINT32 || dt.ID() == arrow.DATE64:
		r := intReader(a)
		return skipNull(func(i int, s S) S { return f.long(r(i), s) })
	}
	r := intReader(a)
	return skipNull(func(i int, s S) S { return f.int(int32(r(i)), s) })
}

func resolveHash(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	for _, a := range args {
		if !hashable(a.Type()) {
			return nil, analysisf("%s cannot hash %s in %s", e.Op, describe(a), r.Where)
		}
	}
	if e.Op == "hash" {
		return &fnExpr{name: "hash", args: args, dt: arrow.PrimitiveTypes.Int32, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
			return hashKernel(c, n, in, &murmur, arrow.PrimitiveTypes.Int32, 4), nil
		}}, nil
	}
	return &fnExpr{name: "xxhash64", args: args, dt: arrow.PrimitiveTypes.Int64, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return hashKernel(c, n, in, &xxh, arrow.PrimitiveTypes.Int64, 8), nil
	}}, nil
}

func hashKernel[S seed](c *Ctx, n int, in []arrow.Array, f *hashFamily[S], dt arrow.DataType, width int) arrow.Array {
	o := newFixedOut[S](c.Mem, n, width)
	for i := range o.vals {
		o.vals[i] = f.init
	}
	for _, a := range in {
		h := newHasher(f, a)
		for i := range o.vals {
			o.vals[i] = h(i, o.vals[i])
		}
	}
	return o.array(dt)
}

// resolveDigest: sha256 (Spark's sha2(col, 256)) and md5 as lowercase hex
// of the bytes (a string's UTF-8).
func resolveDigest(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a, err := stringArg(r, e.Op, args[0], true)
	if err != nil {
		return nil, err
	}
	sum := func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
	if e.Op == "md5" {
		sum = func(b []byte) []byte { s := md5.Sum(b); return s[:] }
	}
	name := e.Op
	if e.Op == "sha256" {
		name = "sha2"
	}
	return &fnExpr{name: name, args: []Expr{a}, dt: arrow.BinaryTypes.String, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		b := newStringBuilder(c.Mem, arrow.BinaryTypes.String, n, n*64)
		defer b.Release()
		var buf []byte
		for i := 0; i < n; i++ {
			if in[0].IsNull(i) {
				b.AppendNull()
				continue
			}
			d := sum(bytesAt(in[0], i))
			buf = hex.AppendEncode(buf[:0], d)
			b.Append(buf)
		}
		return finishBinary(b), nil
	}}, nil
}
