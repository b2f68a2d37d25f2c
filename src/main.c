/* placeholder until the console lands */
#include <stdio.h>
int main(void) { fputs("smsconsole: not built yet\n", stderr); return 1; }
