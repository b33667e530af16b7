package jsonkernel

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// Exponents beyond any decimal must be conversion errors, never panics.
func TestDecimalExtremes(t *testing.T) {
	dec := &arrow.Decimal128Type{Precision: 38, Scale: 10}
	runValueCases(t, []valueCase{
		{name: "huge exponent", typ: dec, in: `1e999999999999`, want: `null`, bad: true},
		{name: "huge exponent 2", typ: dec, in: `1e2147483647`, want: `null`, bad: true},
		// Spark rounds this to 0; big.ParseFloat refuses the exponent, so it is a conversion error here.
		{name: "tiny exponent", typ: dec, in: `1e-999999999999`, want: `null`, bad: true},
		{name: "neg huge", typ: dec, in: `"-1e400"`, want: `null`, bad: true},
	})
}
