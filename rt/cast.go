// CAST from VARCHAR: more lenient than record decoding, as DuckDB's casts are.

package rt

import (
	"strings"
	"unicode"
)

// castSpace trims what DuckDB's string casts ignore around a number: white space of any kind.
func castSpace(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// CastInt64 is CAST(s AS BIGINT): surrounding white space is ignored, and a decimal or exponent form ('2.5',
// '1e3') is accepted and rounded half away from zero, as in DuckDB. Record decoding stays strict (ParseInt64): a
// fraction in an integer field of the input is bad data, while a CAST is an explicit request to convert.
func CastInt64(s string) (int64, error) {
	b := []byte(castSpace(s))
	if v, err := ParseInt64(b); err == nil {
		return v, nil
	}
	d, err := ParseDecimal(b, 38, 0)
	if err != nil {
		return 0, err
	}
	v, ok := d.Int64()
	if !ok {
		return 0, intError(b, "BIGINT")
	}
	return v, nil
}

// CastFloat64 is CAST(s AS DOUBLE): surrounding white space is ignored.
func CastFloat64(s string) (float64, error) { return ParseFloat64([]byte(castSpace(s))) }

// CastDecimal is CAST(s AS DECIMAL(p,s)): surrounding white space is ignored; extra fractional digits round half
// away from zero.
func CastDecimal(s string, p, scale int32) (Int128, error) {
	return ParseDecimal([]byte(castSpace(s)), p, scale)
}
