// Message keys of sink rows: the GROUP BY key of a row, written to outputs that carry keys (Kafka).

package rt

import (
	"math"
	"strconv"
)

// A sink whose SinkSpec.Key names one part writes that value's text as the key: a string's bytes, a number's
// digits, a timestamp's epoch milliseconds; NULL gives a message without a key. With several parts the key is a
// JSON object of them, in order: {"symbol":"AAPL","window_start":1718000000000}. Outputs without keys ignore the
// Key methods, which generated code calls after the row's values.

// keyPart starts the next key part and reports whether the row takes one.
func (r *Row) keyPart() bool {
	s := r.s
	if !s.keyed || r.keyCol >= len(s.spec.Key) {
		return false
	}
	if len(s.keyJSON) > 0 {
		if r.keyCol == 0 {
			r.key = append(r.key, '{')
		}
		r.key = append(r.key, s.keyJSON[r.keyCol]...)
	}
	r.keyCol++
	return true
}

// keyNullPart writes a NULL key part.
func (r *Row) keyNullPart() {
	if len(r.s.keyJSON) > 0 {
		r.key = append(r.key, "null"...)
	} else {
		r.keyNull = true
	}
}

// KeyString adds a VARCHAR key part.
func (r *Row) KeyString(v string, null bool) {
	switch {
	case !r.keyPart():
	case null:
		r.keyNullPart()
	case len(r.s.keyJSON) > 0:
		r.key = appendJSONString(r.key, v)
	default:
		r.key = append(r.key, v...)
	}
}

// KeyInt64 adds an INT or BIGINT key part.
func (r *Row) KeyInt64(v int64, null bool) {
	switch {
	case !r.keyPart():
	case null:
		r.keyNullPart()
	default:
		r.key = strconv.AppendInt(r.key, v, 10)
	}
}

// KeyInt32 adds an INT key part.
func (r *Row) KeyInt32(v int32, null bool) { r.KeyInt64(int64(v), null) }

// KeyTimestamp adds a TIMESTAMP key part, as epoch milliseconds.
func (r *Row) KeyTimestamp(ms int64, null bool) { r.KeyInt64(ms, null) }

// KeyBool adds a BOOLEAN key part.
func (r *Row) KeyBool(v, null bool) {
	switch {
	case !r.keyPart():
	case null:
		r.keyNullPart()
	default:
		r.key = strconv.AppendBool(r.key, v)
	}
}

// KeyFloat64 adds a DOUBLE key part; NaN and infinities are NULL in a JSON key.
func (r *Row) KeyFloat64(v float64, null bool) {
	switch {
	case !r.keyPart():
	case null || (len(r.s.keyJSON) > 0 && (math.IsNaN(v) || math.IsInf(v, 0))):
		r.keyNullPart()
	default:
		r.key = strconv.AppendFloat(r.key, v, 'g', -1, 64)
	}
}

// KeyDecimal adds a DECIMAL key part with its exact digits.
func (r *Row) KeyDecimal(v Int128, scale int32, null bool) {
	switch {
	case !r.keyPart():
	case null:
		r.keyNullPart()
	default:
		r.key = AppendDecimal(r.key, v, scale)
	}
}
