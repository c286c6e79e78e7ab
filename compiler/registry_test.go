package compiler

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestRegistryDocumented checks that docs/sql.md documents every name of every registry entry, in a table row
// or a list item that starts with the function's call (`NAME(` or `NAME` in backticks).
func TestRegistryDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/sql.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range knownFunctions() {
		re := regexp.MustCompile("(?m)^(\\||-).*`" + regexp.QuoteMeta(name) + "(\\(|`)")
		if !re.Match(doc) {
			t.Errorf("docs/sql.md does not document %s: add it to the table of its kind, with its types and NULL rule", name)
		}
	}
}

// TestRegistryIDs checks that every overload and accumulator has an id, unique in the registry.
func TestRegistryIDs(t *testing.T) {
	seen := map[string]string{}
	for _, b := range registryEntries() {
		var ids []string
		for _, o := range b.overloads {
			ids = append(ids, o.impl.ID)
		}
		for _, id := range ids {
			if id == "" {
				t.Errorf("%s: an overload without an id", b.names[0])
			} else if other, dup := seen[id]; dup && other != b.names[0] {
				t.Errorf("overload id %q of %s is also %s's", id, b.names[0], other)
			}
			seen[id] = b.names[0]
		}
		if b.agg == nil && b.check == nil && len(b.overloads) == 0 {
			t.Errorf("%s has no overloads, check or aggregate", b.names[0])
		}
		if slices.Contains(b.names, "") {
			t.Errorf("%s has an empty name", b.names[0])
		}
	}
}
