// Checked integer arithmetic and parsing of INT, BIGINT, DOUBLE and BOOLEAN text.

package rt

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// In velocc integer overflow is a runtime error, never a silent wrap, so every
// operator on INT and BIGINT goes through these checked helpers. They return
// ok=false instead of panicking; generated code turns that into EvalError
// with the SQL position.

// AddInt64 returns a+b; ok is false on overflow.
func AddInt64(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) == (b > 0)
}

// SubInt64 returns a-b; ok is false on overflow.
func SubInt64(a, b int64) (int64, bool) {
	c := a - b
	return c, (c < a) == (b > 0)
}

// MulInt64 returns a*b; ok is false on overflow.
func MulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	// MinInt64 * -1 wraps to MinInt64, and c/b would itself overflow.
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || c/b != a {
		return 0, false
	}
	return c, true
}

// NegInt64 returns -a; ok is false only for MinInt64.
func NegInt64(a int64) (int64, bool) {
	return -a, a != math.MinInt64
}

// AddInt32 returns a+b; ok is false on overflow.
func AddInt32(a, b int32) (int32, bool) {
	c := int64(a) + int64(b)
	return int32(c), c == int64(int32(c))
}

// SubInt32 returns a-b; ok is false on overflow.
func SubInt32(a, b int32) (int32, bool) {
	c := int64(a) - int64(b)
	return int32(c), c == int64(int32(c))
}

// MulInt32 returns a*b; ok is false on overflow.
func MulInt32(a, b int32) (int32, bool) {
	c := int64(a) * int64(b)
	return int32(c), c == int64(int32(c))
}

// NegInt32 returns -a; ok is false only for MinInt32.
func NegInt32(a int32) (int32, bool) {
	return -a, a != math.MinInt32
}

// ModInt64 returns a % b truncated (the sign of the dividend, like SQL and
// Go). MinInt64 % -1 is 0 rather than a hardware fault; b == 0 also yields 0
// so a missed check cannot panic, but callers report division by zero first.
func ModInt64(a, b int64) int64 {
	if b == 0 || b == -1 {
		return 0
	}
	return a % b
}

// errEmpty is returned for empty input so callers can tell it apart if they
// treat empty as NULL (CSV does) and otherwise print a clear reason.
var errEmpty = errors.New("empty value")

// ParseInt64 parses a base-10 integer with an optional sign. It rejects
// fractions, exponents, spaces and out-of-range values, and does not
// allocate unless it fails.
func ParseInt64(b []byte) (int64, error) {
	v, ok := parseInt(b, math.MaxInt64)
	if !ok {
		return 0, intError(b, "BIGINT")
	}
	return v, nil
}

// ParseInt32 is ParseInt64 for INT's range.
func ParseInt32(b []byte) (int32, error) {
	v, ok := parseInt(b, math.MaxInt32)
	if !ok {
		return 0, intError(b, "INT")
	}
	return int32(v), nil
}

// parseInt parses b into [-max-1, max].
func parseInt(b []byte, max uint64) (int64, bool) {
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		i = 1
	}
	if i == len(b) {
		return 0, false
	}
	limit := max
	if neg {
		limit++
	}
	var u uint64
	for ; i < len(b); i++ {
		d := uint64(b[i] - '0')
		if d > 9 {
			return 0, false
		}
		if u > (limit-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		return -int64(u), true // -int64(2^63) wraps to MinInt64, as wanted
	}
	return int64(u), true
}

func intError(b []byte, typ string) error {
	if len(b) == 0 {
		return errEmpty
	}
	if _, ok := parseInt(b, math.MaxUint64>>1); ok || looksInteger(b) {
		return fmt.Errorf("value %s out of range for %s", b, typ)
	}
	return fmt.Errorf("invalid integer %q", b)
}

// looksInteger reports whether b is a syntactically valid integer, so a
// too-long one is reported as out of range rather than malformed.
func looksInteger(b []byte) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// ParseFloat64 parses a DOUBLE. It accepts what strconv.ParseFloat accepts
// for base-10 text, including "inf", "-Infinity" and "nan" (SQL casts accept
// them), but rejects hexadecimal floats and underscores, which no data file
// means, and values that overflow float64.
func ParseFloat64(b []byte) (float64, error) {
	if len(b) == 0 {
		return 0, errEmpty
	}
	for _, c := range b {
		if c == '_' || c == 'x' || c == 'X' {
			return 0, fmt.Errorf("invalid number %q", b)
		}
	}
	// strconv copies its input into any error it returns, so the string
	// conversion does not escape and short inputs parse without allocating.
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("value %s out of range for DOUBLE", b)
		}
		return 0, fmt.Errorf("invalid number %q", b)
	}
	return f, nil
}

// ParseBool parses a BOOLEAN: true/false or 1/0, case-insensitive.
func ParseBool(b []byte) (bool, error) {
	switch len(b) {
	case 1:
		switch b[0] {
		case '1':
			return true, nil
		case '0':
			return false, nil
		}
	case 4:
		if b[0]|0x20 == 't' && b[1]|0x20 == 'r' && b[2]|0x20 == 'u' && b[3]|0x20 == 'e' {
			return true, nil
		}
	case 5:
		if b[0]|0x20 == 'f' && b[1]|0x20 == 'a' && b[2]|0x20 == 'l' && b[3]|0x20 == 's' && b[4]|0x20 == 'e' {
			return false, nil
		}
	case 0:
		return false, errEmpty
	}
	return false, fmt.Errorf("invalid boolean %q (want true, false, 1 or 0)", b)
}
