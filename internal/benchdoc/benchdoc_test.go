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
