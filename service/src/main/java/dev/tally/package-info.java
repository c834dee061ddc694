package dev.tally;
