// The data cache: generated files are kept under .cache/bench/ and written again only when missing or stale.

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// dataFile is one generated file of a data set.
type dataFile struct {
	path  string
	fmt   format
	rows  int // records in the file
	keys  int // a table's distinct keys (the row count it was generated for)
	bytes int64
}

// dataPaths returns the files ds is written to for rows records: <dir>/<name>-<rows>.<ext>.
func dataPaths(dir string, ds *dataset, rows int) []string {
	var out []string
	for _, f := range ds.formats {
		out = append(out, filepath.Join(dir, fmt.Sprintf("%s-%d.%s", ds.name, rows, f.ext)))
	}
	return out
}

// stamp is the first line of a data file's .meta file: what generated it. A file whose stamp differs is stale.
func stamp(ds *dataset, seed uint64, rows int) string {
	return fmt.Sprintf("velocc bench data: generator v%d, %s, seed %d, %d rows", genVersion, ds.name, seed, rows)
}

// ensureData returns ds's files for rows records with seed, generating them (all formats in one pass) unless
// every file exists with the size its .meta file records under the current stamp. Files are written under a
// temporary name and renamed, so an interrupted run leaves no partial file behind under the final name.
func ensureData(dir string, ds *dataset, seed uint64, rows int) ([]dataFile, error) {
	paths := dataPaths(dir, ds, rows)
	want := stamp(ds, seed, rows)
	files := make([]dataFile, len(paths))
	fresh := true
	for i, p := range paths {
		files[i] = dataFile{path: p, fmt: ds.formats[i], rows: ds.records(rows), keys: rows}
		meta, err := os.ReadFile(p + ".meta")
		st, serr := os.Stat(p)
		if err != nil || serr != nil {
			fresh = false
			continue
		}
		var size int64
		first, rest, _ := strings.Cut(string(meta), "\n")
		if _, err := fmt.Sscanf(rest, "bytes %d", &size); err != nil || first != want || size != st.Size() {
			fresh = false
			continue
		}
		files[i].bytes = size
	}
	if fresh {
		logf("bench: %s: %d rows cached in %s", ds.name, rows, relPath(paths[0]))
		return files, nil
	}

	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, err
	}
	logf("bench: generating %s: %d rows → %s", ds.name, rows, strings.Join(mapSlice(paths, relPath), ", "))
	began := time.Now()
	var ws []io.Writer
	var fs []*os.File
	defer func() {
		for _, f := range fs {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	for _, p := range paths {
		os.Remove(p + ".meta")
		f, err := os.Create(p + ".tmp")
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
		ws = append(ws, f)
	}
	err := ds.write(seed, rows, ws, func(done int) {
		if n := ds.records(rows); n >= 1_000_000 {
			logf("bench: generating %s: %d/%d rows", ds.name, done, n)
		}
	})
	if err != nil {
		return nil, err
	}
	for i, f := range fs {
		if err := f.Close(); err != nil {
			return nil, err
		}
		st, err := os.Stat(f.Name())
		if err != nil {
			return nil, err
		}
		if err := os.Rename(f.Name(), paths[i]); err != nil {
			return nil, err
		}
		files[i].bytes = st.Size()
		meta := fmt.Sprintf("%s\nbytes %d\n", want, st.Size())
		if err := os.WriteFile(paths[i]+".meta", []byte(meta), 0o666); err != nil {
			return nil, err
		}
	}
	fs = nil
	logf("bench: generated %s in %.1fs (%s)", ds.name, time.Since(began).Seconds(),
		strings.Join(mapSlice(files, func(f dataFile) string { return megabytes(f.bytes) }), ", "))
	return files, nil
}

// warm reads a file to its end, so that the first measured run does not pay for reading it from the disk.
func warm(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

// megabytes words a byte count as "123 MB".
func megabytes(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }

// relPath returns p relative to the repository's root when it lies inside it, or p itself.
func relPath(p string) string {
	if root != "" {
		if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}

func mapSlice[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
