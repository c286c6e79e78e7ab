package benchdoc

import "testing"

func TestSplice(t *testing.T) {
	const begin, end = "<!-- b -->", "<!-- e -->"
	fresh := string(Splice(nil, begin, end, "one\n", "# Title\n\nRESULTS\n\n## Notes\n"))
	if fresh != "# Title\n\n<!-- b -->\none\n<!-- e -->\n\n## Notes\n" {
		t.Fatalf("fresh: %q", fresh)
	}
	edited := fresh + "hand-written\n"
	if got := string(Splice([]byte(edited), begin, end, "two", "unused")); got != "# Title\n\n<!-- b -->\ntwo\n<!-- e -->\n\n## Notes\nhand-written\n" {
		t.Fatalf("rerun: %q", got)
	}
	if CPUModel() == "" {
		t.Error("empty CPU model")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 123456: "123,456",
		2000000: "2,000,000", -1234567: "-1,234,567"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseStats(t *testing.T) {
	stderr := `orders: reading kafka topic "in" partitions 0-5 as group "g"
orders: read 2000000, bad 0, late 3
big: emitted 1899487
`
	st, err := ParseStats(stderr, "orders", "big")
	if err != nil {
		t.Fatal(err)
	}
	if want := (JobStats{Read: 2000000, Late: 3, Emitted: 1899487}); st != want {
		t.Errorf("ParseStats = %+v, want %+v", st, want)
	}
	if _, err := ParseStats(stderr, "order_book_stream", "big"); err == nil {
		t.Error("ParseStats found a source that is not there")
	}
	if _, err := ParseStats("orders: read 5, bad 0, late 0\n", "orders", "big"); err == nil {
		t.Error("ParseStats found a sink that is not there")
	}
}
