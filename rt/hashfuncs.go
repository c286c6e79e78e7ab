// Hash functions: MD5 and SHA256 as lower-case hex text, as DuckDB writes them, and HASH, velocc's own 64-bit
// hash (FNV-1a; DuckDB's HASH is an internal hash velocc cannot reproduce).

package rt

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"math"
)

// MD5 is MD5(s): the MD5 digest of s's bytes, 32 lower-case hex digits.
func MD5(s string) string {
	sum := md5.Sum([]byte(s))
	var b [2 * md5.Size]byte
	hex.Encode(b[:], sum[:])
	return string(b[:])
}

// SHA256 is SHA256(s): the SHA-256 digest of s's bytes, 64 lower-case hex digits.
func SHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	var b [2 * sha256.Size]byte
	hex.Encode(b[:], sum[:])
	return string(b[:])
}

// FNV-1a, 64 bits: start from the offset basis; for each byte, xor it in and multiply by the prime.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime64
	}
	return h
}

// fnvUint64 hashes the 8 bytes of v, least significant first.
func fnvUint64(h uint64, v uint64) uint64 {
	for range 8 {
		h = (h ^ (v & 0xFF)) * fnvPrime64
		v >>= 8
	}
	return h
}

// FNVString is HASH(VARCHAR): FNV-1a of the string's UTF-8 bytes, as a BIGINT (the 64 bits read as two's
// complement).
func FNVString(s string) int64 { return int64(fnvString(fnvOffset64, s)) }

// FNVInt64 is HASH of an INT, a BIGINT or a TIMESTAMP (epoch milliseconds): FNV-1a of the value's 8 bytes as a
// BIGINT, least significant first. So an INT and a BIGINT of the same value hash alike.
func FNVInt64(v int64) int64 { return int64(fnvUint64(fnvOffset64, uint64(v))) }

// FNVFloat64 is HASH(DOUBLE): FNVInt64 of the IEEE 754 bits, with -0 hashed as 0 and every NaN as the quiet NaN
// 0x7FF8000000000000, so values that are equal in a GROUP BY hash alike.
func FNVFloat64(f float64) int64 {
	bits := math.Float64bits(f)
	switch {
	case f == 0:
		bits = 0
	case math.IsNaN(f):
		bits = 0x7FF8000000000000
	}
	return int64(fnvUint64(fnvOffset64, bits))
}

// FNVDec is HASH(DECIMAL(p,s)): FNV-1a of the unscaled value's 16 bytes (two's complement, least significant
// first) and then of one byte holding s. DECIMALs of different scales therefore hash differently even when equal.
func FNVDec(x Int128, scale int64) int64 {
	h := fnvUint64(fnvOffset64, x.Lo)
	h = fnvUint64(h, uint64(x.Hi))
	return int64((h ^ uint64(scale&0xFF)) * fnvPrime64)
}

// FNVBool is HASH(BOOLEAN): FNV-1a of one byte, 1 for true and 0 for false.
func FNVBool(b bool) int64 {
	v := uint64(0)
	if b {
		v = 1
	}
	return int64((fnvOffset64 ^ v) * fnvPrime64)
}
