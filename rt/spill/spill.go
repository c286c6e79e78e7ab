// Package spill is the disk-backed store of state beyond a job's memory budget: cockroachdb/pebble, registered
// with rt as its spill store. A generated job imports it for its side effect when its script sets
// 'state.overflow' = 'spill'; other jobs do not link pebble.
package spill

import (
	"errors"
	"math"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/velocc/velocc/rt"
)

func init() { rt.RegisterSpillStore(Open) }

// Settings of the store. It lives only as long as the job, so it needs no write-ahead log, nor syncs.
const (
	memTableSize = 4 << 20
	memTables    = 2 // a third may be being flushed
	minCache     = 8 << 20
)

// Open opens an empty store in dir, which must exist. Its memtables and block cache, outside the Go heap, take
// about memory bytes: the rest of memory after three memtables goes to the cache, which keeps the filters and
// indexes of the files the lookups read.
func Open(dir string, memory int64) (rt.SpillStore, error) {
	cache := pebble.NewCache(max(memory-(memTables+1)*memTableSize, minCache))
	defer cache.Unref() // the store holds its own reference
	opts := &pebble.Options{
		Cache:                       cache,
		DisableWAL:                  true,
		MemTableSize:                memTableSize,
		MemTableStopWritesThreshold: memTables,
		Logger:                      quiet{},
		FS:                          noSync{vfs.Default},
	}
	for i := range opts.Levels {
		// A lookup visits every level that may hold the key: a bloom filter per file spares most of the reads.
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		// The files are read back soon and deleted at exit: decompressing every block read costs more than the
		// disk space saved.
		opts.Levels[i].Compression = func() *sstable.CompressionProfile { return sstable.NoCompression }
		// One index block per file, which the cache keeps: a lookup reads one data block, not two index levels.
		opts.Levels[i].IndexBlockSize = math.MaxInt32
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, err
	}
	return &store{db: db}, nil
}

// store is a pebble database as an rt.SpillStore.
type store struct {
	db *pebble.DB
}

func (s *store) Get(key, buf []byte) ([]byte, bool, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return buf[:0], false, nil
	}
	if err != nil {
		return buf[:0], false, err
	}
	buf = append(buf[:0], v...)
	return buf, true, closer.Close()
}

func (s *store) NewBatch() rt.SpillBatch { return &batch{b: s.db.NewBatch()} }

func (s *store) Scan(lo, hi []byte, fn func(key, value []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err == nil {
			err = fn(it.Key(), v)
		}
		if err != nil {
			it.Close()
			return err
		}
	}
	return it.Close()
}

func (s *store) DeleteRange(lo, hi []byte) error { return s.db.DeleteRange(lo, hi, pebble.NoSync) }

func (s *store) Close() error { return s.db.Close() }

// batch is a pebble batch as an rt.SpillBatch. The first error of Set or Delete is returned by Commit.
type batch struct {
	b   *pebble.Batch
	err error
}

func (b *batch) Set(key, value []byte) {
	if err := b.b.Set(key, value, nil); err != nil && b.err == nil {
		b.err = err
	}
}

func (b *batch) Delete(key []byte) {
	if err := b.b.Delete(key, nil); err != nil && b.err == nil {
		b.err = err
	}
}

func (b *batch) Size() int { return b.b.Len() }

func (b *batch) Commit() error {
	err := b.err
	if err == nil {
		err = b.b.Commit(pebble.NoSync)
	}
	if cerr := b.b.Close(); err == nil {
		err = cerr
	}
	return err
}

// noSync is the operating system's file system without the syncs that make files durable: the store is gone
// when the job ends, so waiting for the disk buys nothing.
type noSync struct{ vfs.FS }

func (fs noSync) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return noSyncFile{}.wrap(fs.FS.Create(name, c))
}

func (fs noSync) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	return noSyncFile{}.wrap(fs.FS.OpenReadWrite(name, c, opts...))
}

func (fs noSync) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return noSyncFile{}.wrap(fs.FS.ReuseForWrite(oldname, newname, c))
}

func (fs noSync) OpenDir(name string) (vfs.File, error) {
	return noSyncFile{}.wrap(fs.FS.OpenDir(name))
}

// noSyncFile is a file whose syncs do nothing.
type noSyncFile struct{ vfs.File }

func (noSyncFile) wrap(f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return noSyncFile{f}, nil
}

func (noSyncFile) Sync() error                { return nil }
func (noSyncFile) SyncData() error            { return nil }
func (noSyncFile) SyncTo(int64) (bool, error) { return false, nil }

// quiet drops pebble's informational log lines (a job's stderr carries only its own messages); its errors
// reach rt as the errors of the calls.
type quiet struct{}

func (quiet) Infof(string, ...any)  {}
func (quiet) Errorf(string, ...any) {}
func (quiet) Fatalf(format string, args ...any) {
	// pebble calls Fatalf on invariant violations and expects it not to return.
	pebble.DefaultLogger.Fatalf(format, args...)
}
