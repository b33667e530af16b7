package driver

import (
	"strconv"
	"strings"
)

// sparkline returns the points attribute of an SVG polyline drawing values
// left to right in a width x height box: the largest value touches the
// top, zero the bottom. Fewer than two values draw a flat line at the
// bottom; negative values count as zero.
func sparkline(values []float64, width, height int) string {
	if len(values) < 2 {
		return "0," + strconv.Itoa(height) + " " + strconv.Itoa(width) + "," + strconv.Itoa(height)
	}
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	var b strings.Builder
	step := float64(width) / float64(len(values)-1)
	for i, v := range values {
		y := float64(height)
		if top > 0 {
			y = float64(height) * (1 - max(v, 0)/top)
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(float64(i)*step, 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
	}
	return b.String()
}
