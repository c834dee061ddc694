package dev.tally.state;
