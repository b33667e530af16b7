package jsonkernel_test

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/internal/jsonkernel"
)

func ExampleParser_Parse() {
	mem := memory.NewGoAllocator()
	b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	b.Append([]byte(`{"user_id":42,"page":"/p/1","ts":"2026-11-25T10:11:12.123Z"}`))
	b.Append([]byte(`{"user_id":"oops","page":"/p/2"}`))
	values := b.NewArray()
	b.Release()
	defer values.Release()

	clicks := arrow.StructOf(
		arrow.Field{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
		arrow.Field{Name: "_corrupt_record", Type: arrow.BinaryTypes.String, Nullable: true},
	)
	p, err := jsonkernel.NewParser(clicks, jsonkernel.Options{})
	if err != nil {
		panic(err)
	}
	res, err := p.Parse(mem, values)
	if err != nil {
		panic(err)
	}
	defer res.Release()

	out, _ := jsonkernel.ToJSON(mem, res.Rows, jsonkernel.WriteOptions{})
	defer out.Release()
	for i := 0; i < out.Len(); i++ {
		fmt.Println(out.Value(i))
	}
	fmt.Println("malformed rows:", res.Malformed)

	page, _ := jsonkernel.GetJSONObject(mem, values, "$.page")
	defer page.Release()
	fmt.Println(page.Value(1))
	// Output:
	// {"user_id":42,"page":"/p/1","ts":"2026-11-25T10:11:12.123Z"}
	// {"page":"/p/2","_corrupt_record":"{\"user_id\":\"oops\",\"page\":\"/p/2\"}"}
	// malformed rows: [1]
	// /p/2
}
