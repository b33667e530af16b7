package clickgen

import (
	"math/rand/v2"
	"strconv"
	"time"
)

var (
	actions   = []string{"view", "view", "view", "click", "click", "add_to_cart", "purchase"}
	countries = []string{"DE", "FR", "US", "GB", "NL", "ES", "IT", "PL", "SE", "JP"}
	devices   = []string{"mobile", "mobile", "desktop", "tablet"}
	sections  = []string{"/products/", "/search?q=", "/category/", "/blog/", "/checkout/"}
)

// Event appends event i to dst as one JSON object. The event's timestamp is
// at; its other fields depend only on seed and i.
func Event(dst []byte, seed uint64, i int64, at time.Time) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	user := r.IntN(100_000)
	action := actions[r.IntN(len(actions))]
	dst = append(dst, `{"user_id":`...)
	dst = strconv.AppendInt(dst, int64(user), 10)
	dst = append(dst, `,"session":"s-`...)
	dst = strconv.AppendInt(dst, int64(user), 10)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, int64(r.IntN(20)), 10)
	dst = append(dst, `","page":"`...)
	dst = append(dst, sections[r.IntN(len(sections))]...)
	dst = strconv.AppendInt(dst, int64(r.IntN(500)), 10)
	dst = append(dst, `","action":"`...)
	dst = append(dst, action...)
	dst = append(dst, `","ts":"`...)
	dst = at.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
	dst = append(dst, `","duration_ms":`...)
	dst = strconv.AppendInt(dst, int64(r.IntN(30_000)), 10)
	dst = append(dst, `,"price":`...)
	if action == "purchase" || action == "add_to_cart" {
		dst = strconv.AppendFloat(dst, float64(r.IntN(50_000))/100, 'f', 2, 64)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"country":"`...)
	dst = append(dst, countries[r.IntN(len(countries))]...)
	dst = append(dst, `","device":"`...)
	dst = append(dst, devices[r.IntN(len(devices))]...)
	dst = append(dst, `"}`...)
	return dst
}

// Key is the record key of event i: its user, so a user's events keep their
// order within one partition.
func Key(dst []byte, seed uint64, i int64) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	dst = append(dst, 'u')
	return strconv.AppendInt(dst, int64(r.IntN(100_000)), 10)
}
