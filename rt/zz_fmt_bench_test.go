package rt

import "testing"

func BenchmarkAppendDecimalTmp(b *testing.B) {
	vals := []Int128{I128(1234567), I128(-98765432), I128(100000), I128(12345678901234)}
	buf := make([]byte, 0, 64)
	for i := 0; i < b.N; i++ {
		buf = AppendDecimal(buf[:0], vals[i&3], 4)
	}
}
