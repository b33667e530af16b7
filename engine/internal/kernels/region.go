package kernels

import (
	"strings"
	"sync"
	"time"
)

// regions caches time.LoadLocation, which reads the zone database, for
// the region ids it found.
var regions sync.Map // string -> *time.Location

// LoadRegion is the time zone of a region id such as Europe/Berlin. Only
// ids with a '/' are read: abbreviations like CET are ambiguous. A name
// that is not a region is not cached, so arbitrary input does not grow
// the cache; the cache holds at most the zone database's regions.
func LoadRegion(name string) (*time.Location, bool) {
	if !strings.Contains(name, "/") {
		return nil, false
	}
	if v, ok := regions.Load(name); ok {
		return v.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	regions.Store(name, loc)
	return loc, true
}
