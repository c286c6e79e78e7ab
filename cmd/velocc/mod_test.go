// Tests of the modules velocc writes and keeps: -o DIR/, velocc mod and -o FILE.go in a module, checked against the
// checkout's own rt tree, go.mod and go.sum and against what 'go list' resolves.

package main

import (
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// kafkaSQL is a job with a Kafka source and sink.
const kafkaSQL = `CREATE STREAM orders (symbol VARCHAR, quantity BIGINT) WITH ('type'='kafka_source', 'topic'='orders');
CREATE STREAM volume AS SELECT symbol, SUM(quantity) AS total FROM orders GROUP BY symbol
  WITH ('volume.type'='kafka_sink', 'volume.topic'='volume');
`

// rtTree reads the checkout's rt directory: every non-test file of every package under it, by slash path relative
// to the checkout ("rt/kafka/source.go"), testdata left out.
func rtTree(t *testing.T) map[string]string {
	t.Helper()
	root := repoRoot(t)
	files := map[string]string{}
	err := filepath.WalkDir(filepath.Join(root, "rt"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return fs.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// goList runs 'go list' in the checkout and returns its output lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	return goListFor(t, "", args...)
}

// goListFor is goList for the operating system goos ("" for this one).
func goListFor(t *testing.T, goos string, args ...string) []string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", append([]string{"list"}, args...)...)
	cmd.Dir = repoRoot(t)
	if goos != "" {
		cmd.Env = append(os.Environ(), "GOOS="+goos)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out))
}

// checkCopy checks that dir/third_party/velocc holds exactly the files of the checkout's packages pkgs ("rt",
// "rt/kafka"), a go.mod of velocc's module and a README.md recording them.
func checkCopy(t *testing.T, dir string, pkgs ...string) {
	t.Helper()
	copyRoot := filepath.Join(dir, "third_party", "velocc")
	want := map[string]string{}
	for name, data := range rtTree(t) {
		if slices.Contains(pkgs, filepath.ToSlash(filepath.Dir(name))) {
			want[name] = data
		}
	}
	got := map[string]string{}
	err := filepath.WalkDir(copyRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(copyRoot, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		got[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gomod, readme := got["go.mod"], got["README.md"]
	delete(got, "go.mod")
	delete(got, "README.md")
	if !maps.Equal(got, want) {
		t.Errorf("%s holds %q; want the checkout's %q", copyRoot, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	if f, err := modfile.Parse("go.mod", []byte(gomod), nil); err != nil || f.Module.Mod.Path != modulePath {
		t.Errorf("the copy's go.mod is not one of %s: %v\n%s", modulePath, err, gomod)
	}
	if !strings.Contains(readme, "\nvelocc-packages: "+strings.Join(pkgs, " ")+"\n") || !regexp.MustCompile(`\nvelocc-runtime: [0-9a-f]{12}\n`).MatchString(readme) {
		t.Errorf("the copy's README.md does not record packages %q and a runtime:\n%s", pkgs, readme)
	}
}

// parseMod reads and parses a go.mod.
func parseMod(t *testing.T, name string) *modfile.File {
	t.Helper()
	f, err := modfile.Parse(name, mustRead(t, name), nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// requirements lists a go.mod's requirements as "path version".
func requirements(f *modfile.File) []string {
	var reqs []string
	for _, r := range f.Require {
		reqs = append(reqs, r.Mod.Path+" "+r.Mod.Version)
	}
	slices.Sort(reqs)
	return reqs
}

// kafkaModules asks the go command which modules, at which versions, the checkout's rt/kafka and rt/ops (a
// Kafka job serves HTTP) build with on Linux, macOS and Windows: the requirements a Kafka job's module must have
// besides velocc.
func kafkaModules(t *testing.T) []string {
	t.Helper()
	var mods, lines []string
	for _, goos := range []string{"linux", "darwin", "windows"} {
		lines = append(lines, goListFor(t, goos, "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}}{{end}}{{end}}", "./rt/kafka", "./rt/ops")...)
	}
	for _, l := range lines {
		if m := strings.Replace(l, "@", " ", 1); !slices.Contains(mods, m) {
			mods = append(mods, m)
		}
	}
	slices.Sort(mods)
	if len(mods) == 0 {
		t.Fatal("go list finds no module outside velocc under rt/kafka")
	}
	return mods
}

func TestBuildDir(t *testing.T) {
	root := repoRoot(t)
	dir := scriptDir(t)
	if err := os.Mkdir(filepath.Join(dir, "existing"), 0o777); err != nil {
		t.Fatal(err)
	}
	veloccMod := parseMod(t, filepath.Join(root, "go.mod"))
	_, generated, _ := runCLI(t, "", "build", "job.sql")
	for _, out := range []string{"out/", "existing", filepath.Join(dir, "nested", "deeper") + string(filepath.Separator)} {
		if c, stdout, stderr := runCLI(t, "", "build", "job.sql", "-o", out); c != 0 || stdout != "" || stderr != "" {
			t.Fatalf("build -o %s = %d, stdout %q, stderr %q; want 0 and no output", out, c, stdout, stderr)
		}
		read := func(name string) string { return string(mustRead(t, filepath.Join(out, name))) }
		if got := read("main.go"); got != generated {
			t.Errorf("-o %s: main.go differs from build to stdout", out)
		}
		f := parseMod(t, filepath.Join(out, "go.mod"))
		if f.Module.Mod.Path != "velocc.local/job" || f.Go.Version != veloccMod.Go.Version {
			t.Errorf("-o %s: go.mod declares module %s, go %s; want velocc.local/job, go %s", out, f.Module.Mod.Path, f.Go.Version, veloccMod.Go.Version)
		}
		if got := requirements(f); !slices.Equal(got, []string{modulePath + " v0.0.0"}) {
			t.Errorf("-o %s: a job without Kafka requires %q; want velocc alone", out, got)
		}
		if len(f.Replace) != 1 || f.Replace[0].Old.Path != modulePath || f.Replace[0].New.Path != "./third_party/velocc" {
			t.Errorf("-o %s: go.mod replaces %+v; want velocc with ./third_party/velocc", out, f.Replace)
		}
		if _, err := os.Stat(filepath.Join(out, "go.sum")); !os.IsNotExist(err) {
			t.Errorf("-o %s: a job without Kafka has a go.sum (%v)", out, err)
		}
		checkCopy(t, out, "rt")
		if got := read("Makefile"); !strings.Contains(got, "\tgo build -o job .\n") || !strings.Contains(got, "\t./job --bounded\n") {
			t.Errorf("-o %s: Makefile:\n%s", out, got)
		}
		if got := read("README.md"); !strings.Contains(got, "job.sql") || !strings.Contains(got, "--source NAME=URI") || !strings.Contains(got, "third_party/velocc/") {
			t.Errorf("-o %s: README.md:\n%s", out, got)
		}
		for name, data := range map[string]string{"go.mod": read("go.mod"), "README.md": read("README.md")} {
			if strings.Contains(data, root) {
				t.Errorf("-o %s: %s names the checkout %s", out, name, root)
			}
		}
	}
}

func TestBuildDirKafka(t *testing.T) {
	root := repoRoot(t)
	dir := scriptDir(t)
	if err := os.WriteFile(filepath.Join(dir, "k.sql"), []byte(kafkaSQL), 0o666); err != nil {
		t.Fatal(err)
	}
	if c, _, stderr := runCLI(t, "", "build", "k.sql", "-o", "out/"); c != 0 || stderr != "" {
		t.Fatalf("build k.sql -o out/ = %d, stderr %q", c, stderr)
	}
	want := append(kafkaModules(t), modulePath+" v0.0.0")
	slices.Sort(want)
	if got := requirements(parseMod(t, filepath.Join("out", "go.mod"))); !slices.Equal(got, want) {
		t.Errorf("a Kafka job requires\n%q\nwant what go list resolves for rt/kafka\n%q", got, want)
	}
	veloccSum := strings.Split(string(mustRead(t, filepath.Join(root, "go.sum"))), "\n")
	sum := string(mustRead(t, filepath.Join("out", "go.sum")))
	for _, l := range strings.Split(strings.TrimSuffix(sum, "\n"), "\n") {
		if !slices.Contains(veloccSum, l) {
			t.Errorf("go.sum line %q is not in velocc's go.sum", l)
		}
	}
	for _, m := range want {
		path, version, _ := strings.Cut(m, " ")
		if path == modulePath {
			continue
		}
		for _, suffix := range []string{" ", "/go.mod "} {
			if !strings.Contains(sum, path+" "+version+suffix+"h1:") {
				t.Errorf("go.sum lacks the hash of %s %s%s", path, version, suffix)
			}
		}
	}
	checkCopy(t, "out", "rt", "rt/kafka", "rt/ops")

	// The same directory rewritten for a job without Kafka drops what only Kafka needed.
	if c, _, stderr := runCLI(t, "", "build", "job.sql", "-o", "out/"); c != 0 || stderr != "" {
		t.Fatalf("build job.sql -o out/ = %d, stderr %q", c, stderr)
	}
	if got := requirements(parseMod(t, filepath.Join("out", "go.mod"))); !slices.Equal(got, []string{modulePath + " v0.0.0"}) {
		t.Errorf("after rewriting for a file job, go.mod requires %q", got)
	}
	if _, err := os.Stat(filepath.Join("out", "go.sum")); !os.IsNotExist(err) {
		t.Errorf("after rewriting for a file job, go.sum is still there (%v)", err)
	}
	checkCopy(t, "out", "rt")
}

func TestBuildDirRefuses(t *testing.T) {
	dir := scriptDir(t)
	user := filepath.Join(dir, "app")
	userMod := "module example.com/app\n\ngo 1.22\n"
	if err := os.MkdirAll(user, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(user, "go.mod"), []byte(userMod), 0o666); err != nil {
		t.Fatal(err)
	}
	c, _, stderr := runCLI(t, "", "build", "job.sql", "-o", "app")
	if c != 1 || !strings.Contains(stderr, "go.mod of module example.com/app") || !strings.Contains(stderr, "velocc mod") {
		t.Errorf("build -o a directory of the user's module = %d, stderr %q; want 1 and a refusal", c, stderr)
	}
	if got := string(mustRead(t, filepath.Join(user, "go.mod"))); got != userMod {
		t.Errorf("the user's go.mod was rewritten:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(user, "main.go")); err == nil {
		t.Error("build wrote main.go into the user's module")
	}

	// A third_party/velocc that velocc did not write stays as it is.
	foreign := filepath.Join(dir, "out", "third_party", "velocc")
	if err := os.MkdirAll(foreign, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "mine.txt"), []byte("mine"), 0o666); err != nil {
		t.Fatal(err)
	}
	c, _, stderr = runCLI(t, "", "build", "job.sql", "-o", "out/")
	if c != 1 || !strings.Contains(stderr, "is not a runtime copy written by velocc") {
		t.Errorf("build over a foreign third_party/velocc = %d, stderr %q; want 1 and a refusal", c, stderr)
	}
	if _, err := os.Stat(filepath.Join(foreign, "mine.txt")); err != nil {
		t.Errorf("the foreign file is gone: %v", err)
	}
}

// userModule makes a module example.com/app with the given go.mod text in a new directory, and makes it the
// working directory. It fails the test if the directory is itself inside a module.
func userModule(t *testing.T, gomod string) string {
	t.Helper()
	dir := scriptDir(t)
	if root, ok, _ := findModule(dir); ok {
		t.Fatalf("the temporary directory %s is inside the module of %s", dir, root)
	}
	if gomod != "" {
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "k.sql"), []byte(kafkaSQL), 0o666); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestModOutsideModule(t *testing.T) {
	userModule(t, "")
	if c, _, stderr := runCLI(t, "", "mod"); c != 1 || !strings.Contains(stderr, "no go.mod in . or any directory above it") {
		t.Errorf("mod outside a module = %d, stderr %q", c, stderr)
	}
	// A generated file outside any module is just written.
	if c, _, stderr := runCLI(t, "", "job.sql", "-o", "job.go"); c != 0 || stderr != "" {
		t.Errorf("-o job.go outside a module = %d, stderr %q; want 0 and no output", c, stderr)
	}
}

// TestModFlow sets a module up with velocc mod and follows it through the changes velocc then keeps it in step
// with: a second job that uses Kafka, a runtime copy of another velocc.
func TestModFlow(t *testing.T) {
	dir := userModule(t, "module example.com/app\n\ngo 1.22\n\nrequire example.com/other v1.0.0\n")
	userSum := "example.com/other v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	if err := os.WriteFile("go.sum", []byte(userSum), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join("cmd", "agg"), 0o777); err != nil {
		t.Fatal(err)
	}

	// Before velocc mod, a generated file is written, and the error says what to run.
	c, _, stderr := runCLI(t, "", "job.sql", "-o", filepath.Join("cmd", "agg", "job.go"))
	if c != 1 || !strings.Contains(stderr, "module example.com/app") || !strings.Contains(stderr, "run 'velocc mod' in "+dir) {
		t.Errorf("-o FILE.go in a module without velocc = %d, stderr %q; want 1 and the command to run", c, stderr)
	}
	if _, err := os.Stat(filepath.Join("cmd", "agg", "job.go")); err != nil {
		t.Errorf("the file was not written: %v", err)
	}

	c, _, stderr = runCLI(t, "", "mod")
	if c != 0 || !strings.Contains(stderr, "velocc: wrote third_party/velocc: runtime ") {
		t.Fatalf("mod = %d, stderr %q", c, stderr)
	}
	f := parseMod(t, "go.mod")
	if goVersionLess(f.Go.Version, parseMod(t, filepath.Join(repoRoot(t), "go.mod")).Go.Version) {
		t.Errorf("go.mod says go %s, older than velocc's runtime needs", f.Go.Version)
	}
	if got, want := requirements(f), []string{"example.com/other v1.0.0", modulePath + " v0.0.0"}; !slices.Equal(got, want) {
		t.Errorf("go.mod requires %q; want %q", got, want)
	}
	if !(&goModule{file: f}).managed() {
		t.Errorf("go.mod does not replace velocc with the copy: %+v", f.Replace)
	}
	if got := string(mustRead(t, "go.sum")); got != userSum {
		t.Errorf("go.sum changed for a job without Kafka:\n%s", got)
	}
	checkCopy(t, dir, "rt")
	if c, _, stderr = runCLI(t, "", "mod"); c != 0 || !strings.Contains(stderr, "module example.com/app is up to date") {
		t.Errorf("mod again = %d, stderr %q; want 0 and up to date", c, stderr)
	}

	// A Kafka job written into the module brings rt/kafka and its modules along.
	if err := os.MkdirAll(filepath.Join("cmd", "vol"), 0o777); err != nil {
		t.Fatal(err)
	}
	c, _, stderr = runCLI(t, "", "k.sql", "-o", filepath.Join("cmd", "vol", "k.go"))
	if c != 0 || !strings.Contains(stderr, "third_party/velocc now holds rt, rt/kafka, rt/ops") {
		t.Errorf("-o FILE.go of a Kafka job = %d, stderr %q", c, stderr)
	}
	checkCopy(t, dir, "rt", "rt/kafka", "rt/ops")
	want := append(kafkaModules(t), "example.com/other v1.0.0", modulePath+" v0.0.0")
	slices.Sort(want)
	if got := requirements(parseMod(t, "go.mod")); !slices.Equal(got, want) {
		t.Errorf("go.mod requires\n%q\nwant\n%q", got, want)
	}
	sum := string(mustRead(t, "go.sum"))
	if !strings.Contains(sum, userSum) || !strings.Contains(sum, "github.com/twmb/franz-go ") {
		t.Errorf("go.sum lost the user's line or lacks franz-go:\n%s", sum)
	}
	lines := strings.Split(strings.TrimSuffix(sum, "\n"), "\n")
	if !slices.IsSorted(lines) {
		t.Errorf("go.sum is not sorted:\n%s", sum)
	}

	// A copy of another velocc's runtime is replaced, and the message says to regenerate.
	readme := filepath.Join(dir, "third_party", "velocc", "README.md")
	text := string(mustRead(t, readme))
	stale := regexp.MustCompile(`velocc-runtime: [0-9a-f]+`).ReplaceAllString(text, "velocc-runtime: 000000000000")
	if err := os.WriteFile(readme, []byte(stale), 0o666); err != nil {
		t.Fatal(err)
	}
	c, _, stderr = runCLI(t, "", "mod", filepath.Join(dir, "cmd"))
	if c != 0 || !strings.Contains(stderr, "(runtime 000000000000 of velocc ") || !strings.Contains(stderr, "go generate ./...") {
		t.Errorf("mod over a stale copy = %d, stderr %q", c, stderr)
	}
	if got := string(mustRead(t, readme)); got != text {
		t.Errorf("the copy's README.md after the update:\n%s\nwant:\n%s", got, text)
	}
}

func TestModReplaceElsewhere(t *testing.T) {
	gomod := "module example.com/app\n\ngo 1.26\n\nrequire github.com/velocc/velocc v0.0.0\n\nreplace github.com/velocc/velocc => ../my-velocc\n"
	userModule(t, gomod)
	// A replace directive of the user's own is left alone by build...
	if c, _, stderr := runCLI(t, "", "job.sql", "-o", "job.go"); c != 0 || stderr != "" {
		t.Errorf("-o job.go with a replace of the user's = %d, stderr %q; want 0 and no output", c, stderr)
	}
	if got := string(mustRead(t, "go.mod")); got != gomod {
		t.Errorf("go.mod changed:\n%s", got)
	}
	// ...and replaced by velocc mod, which the user runs to hand the runtime over to velocc.
	c, _, stderr := runCLI(t, "", "mod")
	if c != 0 || !strings.Contains(stderr, "go.mod: replace github.com/velocc/velocc => ./third_party/velocc") {
		t.Errorf("mod = %d, stderr %q", c, stderr)
	}
	if f := parseMod(t, "go.mod"); len(f.Replace) != 1 || !(&goModule{file: f}).managed() {
		t.Errorf("go.mod replaces %+v; want velocc with the copy alone", f.Replace)
	}
}

func TestModErrors(t *testing.T) {
	// velocc's own module needs no copy.
	userModule(t, "module github.com/velocc/velocc\n\ngo 1.26\n")
	if c, _, stderr := runCLI(t, "", "job.sql", "-o", "job.go"); c != 0 || stderr != "" {
		t.Errorf("-o job.go in velocc's module = %d, stderr %q", c, stderr)
	}
	if c, _, stderr := runCLI(t, "", "mod"); c != 1 || !strings.Contains(stderr, "velocc's own module") {
		t.Errorf("mod in velocc's module = %d, stderr %q", c, stderr)
	}

	// A package of velocc other than the runtime cannot be provided.
	userModule(t, "module example.com/app\n\ngo 1.26\n")
	src := "package main\n\nimport _ \"github.com/velocc/velocc/codegen\"\n"
	if err := os.WriteFile("uses.go", []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	if c, _, stderr := runCLI(t, "", "mod"); c != 1 || !strings.Contains(stderr, `uses.go imports "github.com/velocc/velocc/codegen", which is not part of velocc's runtime`) {
		t.Errorf("mod with an import of codegen = %d, stderr %q", c, stderr)
	}
}

// TestRuntimePackages checks the runtime packages velocc copies for each package under rt against the velocc
// packages 'go list -deps' finds it needs.
func TestRuntimePackages(t *testing.T) {
	rt, err := embeddedRuntime()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range goList(t, "./rt/...") {
		got, err := rt.packages(map[string]string{pkg: "x.go"})
		if err != nil {
			t.Errorf("packages(%s): %v", pkg, err)
			continue
		}
		var want []string
		for _, dep := range goList(t, "-deps", pkg) {
			if strings.HasPrefix(dep, modulePath+"/") {
				want = append(want, dep)
			}
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("packages(%s) = %q; go list -deps finds %q", pkg, got, want)
		}
	}
}

func TestGoVersionLess(t *testing.T) {
	order := []string{"1.21", "1.21rc1", "1.21rc2", "1.21.0", "1.21.1", "1.22", "1.22beta1", "1.22.0", "1.26", "1.26.0", "1.26.8", "2.0"}
	for i, a := range order {
		for j, b := range order {
			if got := goVersionLess(a, b); got != (i < j) {
				t.Errorf("goVersionLess(%s, %s) = %v", a, b, got)
			}
		}
	}
	if !goVersionLess("junk", "1.21") || goVersionLess("1.21", "junk") {
		t.Error("an unreadable version is not older than a readable one")
	}
}

func TestSortSum(t *testing.T) {
	lines := []string{
		"b.example/m v1.10.0/go.mod h1:d=",
		"b.example/m v1.9.0 h1:a=",
		"a.example/m v1.0.0/go.mod h1:c=",
		"b.example/m v1.10.0 h1:b=",
		"a.example/m v1.0.0 h1:c=",
	}
	sortSum(lines)
	want := []string{
		"a.example/m v1.0.0 h1:c=",
		"a.example/m v1.0.0/go.mod h1:c=",
		"b.example/m v1.9.0 h1:a=",
		"b.example/m v1.10.0 h1:b=",
		"b.example/m v1.10.0/go.mod h1:d=",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("sortSum:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
