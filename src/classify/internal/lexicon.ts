/**
 * Word groups of the learned classifier: general programming and maths vocabulary, written by
 * hand (not mined from the training corpus). A word of a group adds the group's feature as well as
 * its own, so what the model learns of a group from some sources carries over to words it never
 * saw in training: `kubectl` counts as code because `docker` and `git` did. Not public API.
 */

/** Programming, shell, SQL and tooling words. */
export const codeWords: readonly string[] = `
python java javascript typescript js ts jsx tsx cpp csharp golang rust ruby php perl swift kotlin
scala haskell lua matlab bash shell zsh powershell sql mysql postgres postgresql sqlite plsql tsql
mongodb redis html css json yaml yml xml csv toml regex regexp git github gitlab docker dockerfile
kubernetes kubectl helm npm yarn pip conda node nodejs react vue angular django flask spring rails
pandas numpy scipy matplotlib tensorflow pytorch jquery linux unix ubuntu debian macos api apis
http https url urls uri sdk cli gui ide vscode vim emacs ssh ftp tcp udp dns ip localhost
code coding coder function functions method methods class classes object objects variable
variables array arrays string strings integer int float double boolean bool dict dictionary
tuple struct enum pointer pointers null undefined exception exceptions error errors bug bugs debug
debugging compile compiler compiling runtime syntax script scripts program programs programming
algorithm algorithms loop loops recursion recursive iterate iterator parse parser parsing query
queries table tables column columns row rows database databases db schema join joins select insert
update delete trigger procedure cursor foreign primary constraint file files filename directory
directories folder folders path paths repository repo repos branch branches commit commits merge
rebase container containers package packages library libraries module modules dependency
dependencies install installed config configuration server servers port ports process processes
thread threads socket sockets command commands terminal console stdin stdout stderr log logs
return returns argument arguments parameter parameters param params input output unittest
deploy build builds byte bytes binary hex encoding utf unicode timestamp datetime plugin plugins
registry kernel memory cache stack queue hash hashmap hashtable lambda callback async await
promise thread mutex namespace import export interface inheritance constructor instance
attribute attributes property properties boolean implement implementation refactor snippet
endpoint request response json xml framework frontend backend webpage website browser
download upload upstream remote local config env environment variable permission permissions
user users password sudo root chmod mount disk partition device devices driver network interface
`
  .split(/\s/)
  .filter((w) => w.length > 0);

/** Counting and arithmetic words of everyday word problems. */
export const mathWords: readonly string[] = `
total each left remaining altogether sum difference product quotient remainder divided divide
multiplied multiply times twice half third quarter percent percentage ratio proportion average
fraction fractions decimal digit digits cost costs price sold bought buy spent many much more fewer
less than equal equals greater number numbers odd even multiple multiples factor factors divisible
cm km kg meters metres seconds hours minutes dollars cents solve value values find calculate
compute
`
  .split(/\s/)
  .filter((w) => w.length > 0);

/** Vocabulary of university and competition mathematics and quantitative science. */
export const advancedMathWords: readonly string[] = `
theorem lemma corollary prove proof suppose assume let integral derivative limit series sequence
matrix matrices vector vectors eigenvalue eigenvalues eigenvector determinant polynomial
polynomials subgroup group groups ring rings isomorphic homomorphism continuous differentiable
converge converges convergent finite infinite bounded compact metric topology manifold
probability distribution variance expected random velocity acceleration mass energy force charge
temperature pressure mol moles entropy quantum wavelength frequency sin cos tan log ln exp sqrt
frac cdot mathrm mathbb prime primes integer integers rational irrational real complex modulo
congruent coefficient coefficients equation equations inequality function functions maximum
minimum triangle angle circle radius diameter area perimeter volume polygon square cube root roots
`
  .split(/\s/)
  .filter((w) => w.length > 0);

/** Logic, argument and multi-step reasoning words. */
export const reasoningWords: readonly string[] = `
therefore hence thus deduce infer inference conclude conclusion argument arguments assumption
assume premise premises logically valid invalid must could cannot exactly following statement
statements weakens strengthens principle flaw reasoning explain justify why whether true false
implies if only necessarily consistent contradiction
`
  .split(/\s/)
  .filter((w) => w.length > 0);
