/** Entry point of the `zerobus` command (see commands/). */
console.log("zerobus: commands arrive in the next commits");
