package expr

import "strings"

// suggest returns the candidate closest to name by edit distance (ignoring
// case), or "" when none is close enough to be a plausible typo.
func suggest(name string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(2, len(name)/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, over bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// didYouMean formats the hint part of an unknown-name error:
// ` (did you mean "user_id"? columns: user_id, page)`.
func didYouMean(name, kind string, candidates []string) string {
	var b strings.Builder
	b.WriteString(" (")
	if s := suggest(name, candidates); s != "" {
		b.WriteString(`did you mean "` + s + `"? `)
	}
	b.WriteString(kind + ": ")
	if len(candidates) == 0 {
		b.WriteString("none")
	} else {
		b.WriteString(strings.Join(candidates, ", "))
	}
	b.WriteString(")")
	return b.String()
}

// DidYouMean is didYouMean for other packages' unknown-name errors.
func DidYouMean(name, kind string, candidates []string) string {
	return didYouMean(name, kind, candidates)
}
