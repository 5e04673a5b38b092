// Keras 3's ExponentialDecay in JavaScript, checked against TensorFlow's golden
// vectors:
//   python -m conformance vectors cases --api ExponentialDecay --output cases.json
//   node exponential_decay.js cases.json > results.json
//   python -m conformance compare --results results.json
"use strict";
const fs = require("fs");

// float32 arithmetic: JavaScript computes in doubles; Math.fround rounds to the
// nearest float32. TensorFlow's CPU kernels also flush float32 results below
// 2**-126 to zero.
const SMALLEST_NORMAL = 2 ** -126;
const f32 = (x) =>
  Math.abs(x) < SMALLEST_NORMAL ? 0 * Math.sign(x) : Math.fround(x);

class ValueError extends Error {}

function exponentialDecay(params, pythonInt) {
  const { initial_learning_rate: lr, decay_steps: d, decay_rate: r } = params;
  if (d <= 0) throw new ValueError(`decay_steps must be > 0: ${d}`);
  const floor = params.staircase ? Math.floor : (p) => p;
  if (pythonInt) {
    // JSON has no int type: the case's tag says the rate was a Python int, which
    // makes Keras 3 compute in integers: it truncates the decay rate too.
    return (step) => lr * Math.trunc(r) ** floor(step / d);
  }
  return (step) => {
    const p = floor(f32(f32(step) / f32(d)));
    return f32(f32(lr) * f32(Math.pow(f32(r), p)));
  };
}

// JSON has no nan or infinity: the results file writes them as strings.
const encode = (v) =>
  Number.isNaN(v) ? "nan" : Number.isFinite(v) ? v : v > 0 ? "inf" : "-inf";

const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const results = cases.cases.map((c) => {
  const result = { case: c.case, flavor: "keras3", dtype: "float32" };
  let schedule;
  try {
    schedule = exponentialDecay(c.params, c.tags.includes("int"));
  } catch (error) {
    return { ...result, error: error.constructor.name, phase: "construct" };
  }
  return { ...result, values: c.steps.map((step) => encode(schedule(step))) };
});
const target = { name: "exponential_decay.js", version: `node ${process.version}` };
const output = { schema: 1, target, vectors: cases.vectors, results };
process.stdout.write(JSON.stringify(output) + "\n");
