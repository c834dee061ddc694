package dev.tally.broker;
