package dev.tally.bench;
