"""The metamorphic property test over the re-layouts of :mod:`synth.metamorphic`."""
