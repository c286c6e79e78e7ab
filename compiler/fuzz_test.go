// Fuzzing the checker: whatever the input, Compile must not panic and every diagnostic must point into the file.
package compiler

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck compiles arbitrary scripts. Compile must never panic; every diagnostic must have a real position inside
// the file and a well-formed first line; a script without errors must come with a plan that Explain can render and
// whose Go names are unique. Config files resolve in memory, so that inputs naming one reach the loader.
func FuzzCheck(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "check", "*.sql"))
	explain, _ := filepath.Glob(filepath.Join("testdata", "explain", "*.sql"))
	for _, p := range append(paths, explain...) {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Add(orderFlowSQL)
	f.Add("SELECT a FROM src WITH ('src.config_file' = 'src.yaml');")
	files := map[string]string{
		"src.yaml": "path: data/src.jsonl\nevent.time.field: ts\nschema:\n  fields:\n    - name: a\n      type: long\n    - name: ts\n      type: timestamp\n",
		"bad.yaml": "path: [x\n",
	}
	f.Fuzz(func(t *testing.T, src string) {
		read := memFS(files)
		all := map[string][]byte{"job.sql": []byte(src)}
		for k, v := range files {
			all[k] = []byte(v)
		}
		plan, ds := Compile("job.sql", []byte(src), &Options{ReadFile: read, LookupEnv: func(string) (string, bool) { return "", false }})
		checkDiagnostics(t, ds, all)
		if ds.HasErrors() != (plan == nil) {
			t.Fatalf("plan %v with diagnostics:\n%s", plan != nil, ds.Error())
		}
		if plan != nil {
			_ = Explain(plan)
			checkGoNames(t, plan)
		}
	})
}
