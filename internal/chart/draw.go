package chart

import (
	"math"
)

// Op is what a Shape draws.
type Op int

// The shapes a drawing is made of.
const (
	// OpRect is a rectangle at X, Y (top left) of size W × H.
	OpRect Op = iota
	// OpLine is a straight line from X, Y to X2, Y2.
	OpLine
	// OpPath joins Points with straight lines, back to the first when
	// Closed.
	OpPath
	// OpCircle is a circle around X, Y of radius R.
	OpCircle
	// OpText is Text on a baseline at Y, starting, centred or ending at X
	// as Anchor says, Size units high.
	OpText
)

// Anchor is where a text stands relative to its X.
type Anchor string

// Text anchors, as SVG names them.
const (
	Start  Anchor = "start"
	Middle Anchor = "middle"
	End    Anchor = "end"
)

// Point is a position in a drawing's units, y growing downwards.
type Point struct{ X, Y float64 }

// Shape is one element of a drawing. Colours are "#rrggbb", "" for none;
// FillOpacity 0 means opaque.
type Shape struct {
	Op          Op
	X, Y, W, H  float64
	X2, Y2, R   float64
	Points      []Point
	Closed      bool
	Fill        string
	FillOpacity float64
	Stroke      string
	StrokeWidth float64
	Text        string
	Size        float64
	Anchor      Anchor
	Bold        bool
}

// Drawing is a chart laid out in abstract units, Width × Height, with
// the origin at the top left.
type Drawing struct {
	Width, Height float64
	Shapes        []Shape
}

// The size of every drawing and the plot area inside it.
const (
	width, height                   = 640.0, 360.0
	plotLeft, plotRight             = 64.0, 16.0
	plotTop, plotBottom             = 28.0, 52.0
	fontSize, smallSize             = 12.0, 11.0
	inkColor, mutedColor, gridColor = "#1b1f24", "#4a5561", "#c9d1d9"
	legendRow                       = 18.0
	plotWidth                       = width - plotLeft - plotRight
	plotHeight                      = height - plotTop - plotBottom
)

// palette is the Okabe–Ito palette, told apart by readers with the common
// forms of colour blindness; a series' colour is palette[i % len].
var palette = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"}

// color is the colour of series i.
func color(i int) string { return palette[i%len(palette)] }

// Draw lays c out in f's format. An invalid chart (see Validate) draws as
// far as its data allows and never panics.
func (c *Chart) Draw(f Format) Drawing {
	d := Drawing{Width: width, Height: height}
	switch c.Kind {
	case Bar:
		c.drawBars(f, &d)
	case Line:
		c.drawLines(f, &d)
	case Distribution:
		c.drawBoxes(f, &d)
	case Radar:
		c.drawRadar(f, &d)
	}
	return d
}

func (d *Drawing) add(s ...Shape) { d.Shapes = append(d.Shapes, s...) }

func text(x, y float64, s string, size float64, a Anchor) Shape {
	return Shape{Op: OpText, X: x, Y: y, Text: s, Size: size, Anchor: a, Fill: inkColor}
}

func line(x, y, x2, y2 float64, stroke string, w float64) Shape {
	return Shape{Op: OpLine, X: x, Y: y, X2: x2, Y2: y2, Stroke: stroke, StrokeWidth: w}
}

// scale maps values onto the plot's height: the axis runs from lo to hi,
// nice round numbers that include zero and every value, in steps of step.
type scale struct{ lo, hi, step float64 }

// niceScale is a scale for values with about five steps.
func niceScale(values []float64) scale {
	lo, hi := 0.0, 0.0
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi == lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return scale{lo: math.Floor(lo/step) * step, hi: math.Ceil(hi/step) * step, step: step}
}

// y is the vertical position of v in the plot area.
func (s scale) y(v float64) float64 {
	return plotTop + plotHeight*(s.hi-v)/(s.hi-s.lo)
}

// ticks are the values at the scale's steps.
func (s scale) ticks() []float64 {
	var t []float64
	for v := s.lo; v <= s.hi+s.step/2; v += s.step {
		t = append(t, math.Round(v/s.step)*s.step)
	}
	return t
}

// all is every value of every series.
func (c *Chart) all() []float64 {
	var v []float64
	for _, s := range c.Series {
		v = append(v, s.Values...)
	}
	return v
}

// axis draws the value axis: grid lines with their numbers, the unit.
func (c *Chart) axis(f Format, d *Drawing, s scale) {
	for _, v := range s.ticks() {
		y := s.y(v)
		d.add(line(plotLeft, y, width-plotRight, y, gridColor, 1))
		d.add(text(plotLeft-6, y+4, c.number(f, v), smallSize, End))
	}
	if c.Unit != "" {
		d.add(text(4, 12, c.Unit, smallSize, Start))
	}
}

// categories draws the labels under the plot, centred on slots of width w.
func (c *Chart) categories(d *Drawing, names []string, w float64) {
	for i, l := range names {
		d.add(text(plotLeft+w*(float64(i)+0.5), height-plotBottom+16, truncate(l, int(w/6.5)), smallSize, Middle))
	}
}

// legend names the series in their colours under the labels, when there
// is more than one.
func (c *Chart) legend(d *Drawing) {
	if len(c.Series) < 2 {
		return
	}
	x, y := plotLeft, height-legendRow+2
	for i, s := range c.Series {
		name := truncate(s.Name, 24)
		d.add(Shape{Op: OpRect, X: x, Y: y - 10, W: 10, H: 10, Fill: color(i)})
		d.add(text(x+14, y, name, smallSize, Start))
		x += 14 + 6.5*float64(len([]rune(name))) + 16
	}
}

// truncate shortens s to at most n runes, ending in an ellipsis (the data
// table has the whole text).
func truncate(s string, n int) string {
	r := []rune(s)
	if n < 2 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (c *Chart) drawBars(f Format, d *Drawing) {
	s := niceScale(c.all())
	c.axis(f, d, s)
	n := max(len(c.Labels), 1)
	slot := plotWidth / float64(n)
	bar := slot * 0.8 / float64(max(len(c.Series), 1))
	for i := range c.Labels {
		for j, sr := range c.Series {
			if i >= len(sr.Values) {
				continue
			}
			top, bottom := s.y(sr.Values[i]), s.y(0)
			if top > bottom {
				top, bottom = bottom, top
			}
			d.add(Shape{Op: OpRect, X: plotLeft + slot*float64(i) + slot*0.1 + bar*float64(j), Y: top, W: bar, H: bottom - top, Fill: color(j)})
		}
	}
	d.add(line(plotLeft, s.y(0), width-plotRight, s.y(0), inkColor, 1))
	c.categories(d, c.Labels, slot)
	c.legend(d)
}

func (c *Chart) drawLines(f Format, d *Drawing) {
	s := niceScale(c.all())
	c.axis(f, d, s)
	slot := plotWidth / float64(max(len(c.Labels), 1))
	for j, sr := range c.Series {
		var pts []Point
		for i, v := range sr.Values {
			pts = append(pts, Point{plotLeft + slot*(float64(i)+0.5), s.y(v)})
		}
		d.add(Shape{Op: OpPath, Points: pts, Stroke: color(j), StrokeWidth: 2.5})
		for _, p := range pts {
			d.add(Shape{Op: OpCircle, X: p.X, Y: p.Y, R: 3.5, Fill: color(j)})
		}
	}
	c.categories(d, c.Labels, slot)
	c.legend(d)
}

func (c *Chart) drawBoxes(f Format, d *Drawing) {
	s := niceScale(c.all())
	c.axis(f, d, s)
	slot := plotWidth / float64(max(len(c.Series), 1))
	names := make([]string, len(c.Series))
	for j, sr := range c.Series {
		names[j] = sr.Name
		if len(sr.Values) == 0 {
			continue
		}
		q := Summarise(sr.Values)
		mid := plotLeft + slot*(float64(j)+0.5)
		w := math.Min(slot*0.5, 80)
		d.add(line(mid, s.y(q.Max), mid, s.y(q.Q3), inkColor, 1.5), line(mid, s.y(q.Q1), mid, s.y(q.Min), inkColor, 1.5))
		d.add(line(mid-w/4, s.y(q.Max), mid+w/4, s.y(q.Max), inkColor, 1.5), line(mid-w/4, s.y(q.Min), mid+w/4, s.y(q.Min), inkColor, 1.5))
		d.add(Shape{Op: OpRect, X: mid - w/2, Y: s.y(q.Q3), W: w, H: s.y(q.Q1) - s.y(q.Q3), Fill: color(j), FillOpacity: 0.35, Stroke: inkColor, StrokeWidth: 1.5})
		d.add(line(mid-w/2, s.y(q.Median), mid+w/2, s.y(q.Median), inkColor, 3))
	}
	c.categories(d, names, slot)
}

func (c *Chart) drawRadar(f Format, d *Drawing) {
	vals := c.all()
	if c.Max > 0 {
		vals = append(vals, c.Max)
	}
	s := niceScale(vals)
	s.lo = math.Min(s.lo, 0)
	cx, cy := width/2, (height-legendRow)/2+4
	r := cy - 24
	n := len(c.Labels)
	at := func(i int, v float64) Point {
		a := 2*math.Pi*float64(i)/float64(n) - math.Pi/2
		k := r * (v - s.lo) / (s.hi - s.lo)
		return Point{cx + k*math.Cos(a), cy + k*math.Sin(a)}
	}
	if n < 3 {
		return
	}
	for _, v := range s.ticks()[1:] {
		var ring []Point
		for i := range n {
			ring = append(ring, at(i, v))
		}
		d.add(Shape{Op: OpPath, Points: ring, Closed: true, Stroke: gridColor, StrokeWidth: 1})
		d.add(text(cx+4, at(0, v).Y+12, c.number(f, v), smallSize-1, Start))
	}
	for i, l := range c.Labels {
		p := at(i, s.hi)
		d.add(line(cx, cy, p.X, p.Y, gridColor, 1))
		a, lp := Middle, at(i, s.hi+(s.hi-s.lo)*14/r)
		if lp.X > cx+1 {
			a = Start
		} else if lp.X < cx-1 {
			a = End
		}
		d.add(text(lp.X, lp.Y+4, truncate(l, 20), smallSize, a))
	}
	for j, sr := range c.Series {
		var pts []Point
		for i, v := range sr.Values {
			pts = append(pts, at(i, v))
		}
		d.add(Shape{Op: OpPath, Points: pts, Closed: true, Fill: color(j), FillOpacity: 0.2, Stroke: color(j), StrokeWidth: 2.5})
	}
	c.legend(d)
}
