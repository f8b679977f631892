import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './sysctls.cases.js';

ruleTester(cases.rule, cases);
